package dev.wafer.formats.data;

import dev.wafer.formats.input.Utf8LineReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.luben.zstd.ZstdOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.formats.fuzz.Fuzz;
import dev.wafer.formats.fuzz.Mutations;
import dev.wafer.formats.input.InvalidInputException;
import dev.wafer.ports.data.DocumentVisitor;
import dev.wafer.ports.data.MalformedRecord;
import dev.wafer.ports.data.RawDocument;

/**
 * Fuzzes Pile JSON Lines input, plain and zstd-compressed ({@link PileJsonlSource}, {@link Utf8LineReader},
 * {@link InputStreams}): damaged bytes and line-by-line JSON edits of a small corpus, and damaged bytes of its
 * compressed form. A bad record must be reported as a malformed record naming the file and line, in one line; a
 * stream that cannot be read at all (a broken zstd frame) must fail with a one-line {@link InvalidInputException}
 * naming the file.
 */
class PileJsonlFuzzTest {
    @TempDir
    Path dir;
    private Path plain;
    private Path compressed;
    private byte[] corpus;
    private byte[] corpusZst;

    @BeforeEach
    void baseFiles() throws IOException {
        corpus = """
                {"text": "First document.\\nIt has two lines.", "meta": {"pile_set_name": "Pile-CC", "licence": "CC-BY-4.0"}}
                {"text": "Second, without meta"}
                {"text": "Third \\u00e9\\u4e2d\\ud83d\\ude00", "meta": {"source": "Wikipedia (en)", "license": "CC-BY-SA"}}
                {"text": "Fourth", "meta": {"pile_set_name": "Github", "licence": null}}
                {"text": "Fifth and last", "meta": {}}
                """.getBytes(StandardCharsets.UTF_8);
        corpusZst = zstd(corpus);
        plain = dir.resolve("corpus.jsonl");
        compressed = dir.resolve("corpus.jsonl.zst");
        read(plain, corpus);
        read(compressed, corpusZst);
    }

    private static byte[] zstd(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = new ZstdOutputStream(out)) {
            z.write(bytes);
        }
        return out.toByteArray();
    }

    /** Reads every record; documents and malformed records must name the file and line, in one line. */
    private static void read(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
        String name = file.toString();
        Inputs.resolve(List.of(file), n -> { }).get(0).read(new DocumentVisitor() {
            @Override
            public void document(RawDocument d) {
                Fuzz.assertOneLine("document location", d.location(), name + ":");
            }

            @Override
            public void malformed(MalformedRecord r) {
                Fuzz.assertOneLine("malformed record location", r.location(), name + ":");
                Fuzz.assertOneLine("malformed record reason", r.location() + " " + r.reason(), name);
            }
        });
    }

    private static Fuzz fuzz(String reader, Path file) {
        return new Fuzz(reader, List.of(InvalidInputException.class), file.toString());
    }

    @Test
    void damagedPlainBytes() {
        fuzz("jsonl bytes", plain).run(0x9117E001L, 800, rng -> Mutations.bytes(rng, corpus, List.of()),
                m -> read(plain, m.bytes()));
    }

    @Test
    void editedRecords() {
        List<JsonNode> lines = Mutations.parseLines(corpus);
        fuzz("jsonl records", plain).run(0x9117E002L, 800, rng -> Mutations.jsonLines(rng, lines),
                m -> read(plain, m.bytes()));
    }

    /** Regression found by the fuzz cases: the decoder's ZstdIOException escaped without naming the file. */
    @Test
    void corruptZstdFrameIsAOneLineErrorNamingTheFile() {
        byte[] b = corpusZst.clone();
        b[b.length / 2] ^= (byte) 0xFF;
        InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class,
                () -> read(compressed, b));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith(compressed + ": corrupt zstd stream after line "),
                e.getMessage());
    }

    @Test
    void truncatedZstdStreamIsAnError() {
        byte[] b = java.util.Arrays.copyOf(corpusZst, corpusZst.length - 5);
        InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class,
                () -> read(compressed, b));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith(compressed + ": "), e.getMessage());
    }

    @Test
    void damagedZstdStream() {
        fuzz("jsonl.zst bytes", compressed).run(0x9117E003L, 800, rng -> Mutations.bytes(rng, corpusZst, List.of()),
                m -> read(compressed, m.bytes()));
    }
}
