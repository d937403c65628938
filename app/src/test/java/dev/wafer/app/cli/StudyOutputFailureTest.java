package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.imageio.IIOException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A study's files are replaced through a temporary file and a rename: a write that fails part-way (a full disk, a
 * file size limit) keeps the previous files whole and says why, naming the file. Until 2026-12-07 they were written
 * in place: {@code ulimit -f 2} left a truncated JSON and a PNG cut short, the old ones destroyed, and the line said
 * only "I/O error writing PNG file!".
 */
class StudyOutputFailureTest {
    @TempDir
    Path tmp;

    @Test
    void aFailedWriteKeepsThePreviousFilesAndSaysWhy() throws IOException {
        StudyOptions options = new StudyOptions();
        options.out = tmp;
        StudyOutput output = StudyOutput.create(options, "mup-search", new PrintWriter(new StringWriter()));
        Path json = Files.writeString(tmp.resolve("mup-search.json"), "{\"old\": true}\n");
        Path png = Files.writeString(tmp.resolve("mup-search.png"), "old png");
        RuntimeException e = assertThrows(RuntimeException.class, () -> output.publish("mup-search",
                Map.of("study", "mup-search"), file -> {
                    Files.writeString(file, "partial png");
                    // What ImageIO throws when the disk fills or the file size limit is reached.
                    throw new IIOException("I/O error writing PNG file!", new IOException("File too large"));
                }, (out, p, j) -> { }));
        assertTrue(e instanceof WriteFailure, "exit 74, an I/O failure, not a usage error: " + e);
        assertTrue(e.getMessage().contains(png.toString()) && e.getMessage().contains("file too large"),
                e.getMessage());
        assertEquals("old png", Files.readString(png), "the previous figure is kept");
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of("mup-search.json", "mup-search.png"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");
        }
        assertTrue(Files.readString(json).contains("\"study\""), "the JSON was replaced whole before the figure");
    }
}
