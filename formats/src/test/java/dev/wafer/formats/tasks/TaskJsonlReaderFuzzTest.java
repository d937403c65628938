package dev.wafer.formats.tasks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.formats.fuzz.Fuzz;
import dev.wafer.formats.fuzz.Mutations;

/**
 * Fuzzes {@link TaskJsonlReader#read(Path)}: damaged bytes and line-by-line JSON edits of a task file holding
 * every task type, few-shot ({@code "train": true}) lines and descriptions. Each must read or fail with a
 * one-line {@link TaskFileException} naming the file.
 */
class TaskJsonlReaderFuzzTest {
    @TempDir
    Path dir;
    private Path file;
    private byte[] base;

    @BeforeEach
    void baseFile() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String name : List.of("toy-lambada.jsonl", "toy-qa.jsonl", "toy-winogrande.jsonl")) {
            try (InputStream in = TaskJsonlReader.class.getResourceAsStream("/tasks/" + name)) {
                out.writeBytes(in.readAllBytes());
            }
        }
        out.writeBytes("""
                {"task": "toy_qa", "type": "multiple_choice", "context": "Q: 1+1?\\nA:", "choices": ["2", "3"], "gold": 0, "train": true}
                {"task": "toy_lambada", "type": "lambada", "text": "the cat sat on the mat", "description": "last word"}
                """.getBytes(StandardCharsets.UTF_8));
        base = out.toByteArray();
        file = dir.resolve("tasks.jsonl");
        load(base);
    }

    private void load(byte[] bytes) throws IOException {
        Files.write(file, bytes);
        TaskJsonlReader.read(file);
    }

    private Fuzz fuzz(String name) {
        return new Fuzz(name, List.of(TaskFileException.class), file.toString());
    }

    /** Regressions found by the fuzz cases: errors that did not name the file, or ran over several lines. */
    @Test
    void errorsNameTheFileInOneLine() throws IOException {
        TaskFileException empty = org.junit.jupiter.api.Assertions.assertThrows(TaskFileException.class,
                () -> load(new byte[0]));
        org.junit.jupiter.api.Assertions.assertEquals(file + ": no task documents found", empty.getMessage());
        TaskFileException type = org.junit.jupiter.api.Assertions.assertThrows(TaskFileException.class,
                () -> load("{\"task\": \"t\", \"type\": \"lambada\\nx\", \"text\": \"a b\"}".getBytes(StandardCharsets.UTF_8)));
        org.junit.jupiter.api.Assertions.assertEquals(file + ":1: field 'type' is 'lambada\\u000ax'; expected multiple_choice,"
                + " winogrande, lambada or crows_pairs", type.getMessage());
    }

    @Test
    void damagedBytes() {
        fuzz("task file bytes").run(0x7A5C0001L, 1000, rng -> Mutations.bytes(rng, base, List.of()), m -> load(m.bytes()));
    }

    @Test
    void editedLines() {
        List<JsonNode> lines = Mutations.parseLines(base);
        fuzz("task file lines").run(0x7A5C0002L, 1000, rng -> Mutations.jsonLines(rng, lines), m -> load(m.bytes()));
    }
}
