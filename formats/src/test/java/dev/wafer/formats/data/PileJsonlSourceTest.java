package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.github.luben.zstd.ZstdOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.ports.data.DocumentVisitor;
import dev.wafer.ports.data.MalformedInputException;
import dev.wafer.ports.data.MalformedRecord;
import dev.wafer.ports.data.RawDocument;

class PileJsonlSourceTest {
    @TempDir
    Path dir;

    static final class Collect implements DocumentVisitor {
        final List<RawDocument> docs = new ArrayList<>();
        final List<MalformedRecord> bad = new ArrayList<>();
        final boolean fail;

        Collect(boolean fail) {
            this.fail = fail;
        }

        @Override
        public void document(RawDocument d) {
            docs.add(d);
        }

        @Override
        public void malformed(MalformedRecord r) {
            bad.add(r);
            if (fail) {
                throw new MalformedInputException(r);
            }
        }
    }

    private static byte[] corpus() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, "{\"text\": \"First doc\", \"meta\": {\"pile_set_name\": \"Pile-CC\", \"licence\": \"CC-BY-4.0\"}}\n");
        write(out, "{\"text\": \"no meta\"}\n");
        write(out, "{\"text\": \"bad json\"\n");
        write(out, "{\"meta\": {}}\n");
        out.writeBytes("{\"text\": \"bad \u00ff\"}\n".getBytes(StandardCharsets.ISO_8859_1)); // 0xFF is never UTF-8
        write(out, "\n");
        write(out, "{\"text\": \"   \"}\n");
        write(out, "{\"text\": \"Last\", \"meta\": {\"source\": \"Wiki\", \"license\": \"MIT\"}}");
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A Pile record longer than Jackson's default string limit (20 million chars; the Pile holds documents of tens of
     * megabytes) is a document, on the fast path and on Jackson's (a number in meta sends the second line there),
     * not a malformed record.
     */
    @Test
    void recordsLongerThanJacksonsDefaultStringLimitAreRead(@TempDir Path dir) throws IOException {
        int chars = com.fasterxml.jackson.core.StreamReadConstraints.DEFAULT_MAX_STRING_LEN + 1_000_000;
        byte[] body = new byte[chars];
        java.util.Random random = new java.util.Random(22);
        for (int i = 0; i < chars; i++) {
            body[i] = (byte) (i % 7 == 6 ? ' ' : 'a' + random.nextInt(26));
        }
        Path file = dir.resolve("long.jsonl");
        try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
            out.write("{\"text\": \"".getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.write("\", \"meta\": {\"pile_set_name\": \"Books3\"}}\n".getBytes(StandardCharsets.US_ASCII));
            out.write("{\"text\": \"".getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.write("\", \"meta\": {\"pile_set_name\": \"Books3\", \"pages\": 900}}\n"
                    .getBytes(StandardCharsets.US_ASCII));
        }
        Collect c = read(file, true);
        assertEquals(List.of(), c.bad);
        assertEquals(2, c.docs.size());
        for (var d : c.docs) {
            assertEquals(chars, d.text().length());
            assertEquals("Books3", d.source());
        }
    }

    private Collect read(Path file, boolean fail) throws IOException {
        Collect c = new Collect(fail);
        Inputs.resolve(List.of(file), n -> { }).get(0).read(c);
        return c;
    }

    @Test
    void readsDocumentsAndReportsEachMalformedLineWithFileAndLine() throws IOException {
        Path f = dir.resolve("c.jsonl");
        Files.write(f, corpus());
        Collect c = read(f, false);
        assertEquals(3, c.docs.size());
        assertEquals(new RawDocument("First doc", "Pile-CC", "CC-BY-4.0", f + ":1"), c.docs.get(0));
        assertNull(c.docs.get(1).source());
        assertEquals(new RawDocument("Last", "Wiki", "MIT", f + ":8"), c.docs.get(2));
        assertEquals(4, c.bad.size());
        assertEquals(f + ":3", c.bad.get(0).location());
        assertEquals(true, c.bad.get(0).reason().startsWith("bad JSON"));
        assertEquals(new MalformedRecord(f + ":4", "missing field 'text'"), c.bad.get(1));
        assertEquals(f + ":5", c.bad.get(2).location());
        assertEquals(true, c.bad.get(2).reason().startsWith("invalid UTF-8"));
        assertEquals(f + ":7", c.bad.get(3).location());
        assertEquals(true, c.bad.get(3).reason().startsWith("empty document"));
    }

    /**
     * Content after a record's closing brace makes the line malformed (it once read the first record and dropped the
     * rest unseen, even with --on-error fail); a byte order mark before the first record is no content.
     */
    @Test
    void contentAfterTheRecordIsMalformedAndAByteOrderMarkIsNot() throws IOException {
        Path f = dir.resolve("trailing.jsonl");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        write(out, "{\"text\": \"first\", \"meta\": {\"pile_set_name\": \"Books3\"}}\n");
        write(out, "{\"text\": \"second\"} {\"text\": \"third\"}\n");
        write(out, "{\"text\": \"fourth\", \"meta\": {\"pages\": 3}}garbage\n");
        write(out, "{\"text\": \"fifth\", \"meta\": {\"pages\": 3}}  \n");
        Files.write(f, out.toByteArray());
        Collect c = read(f, false);
        assertEquals(List.of("first", "fifth"), c.docs.stream().map(RawDocument::text).toList());
        assertEquals("Books3", c.docs.get(0).source());
        assertEquals(List.of(f + ":2", f + ":3"), c.bad.stream().map(MalformedRecord::location).toList());
        for (MalformedRecord r : c.bad) {
            assertEquals(true, r.reason().startsWith("bad JSON: content after the record's closing brace"), r.reason());
        }
        MalformedInputException e = assertThrows(MalformedInputException.class, () -> read(f, true));
        assertEquals(f + ":2", e.record().location());
    }

    @Test
    void failModeStopsAtTheFirstMalformedLine() throws IOException {
        Path f = dir.resolve("c.jsonl");
        Files.write(f, corpus());
        MalformedInputException e = assertThrows(MalformedInputException.class, () -> read(f, true));
        assertEquals(f + ":3", e.record().location());
    }

    @Test
    void zstdRoundTrip() throws IOException {
        Path plain = dir.resolve("c.jsonl");
        Files.write(plain, corpus());
        Path zst = dir.resolve("c.jsonl.zst");
        try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(zst))) {
            out.write(corpus());
        }
        Collect a = read(plain, false);
        Collect b = read(zst, false);
        assertEquals(a.docs.stream().map(RawDocument::text).toList(), b.docs.stream().map(RawDocument::text).toList());
        assertEquals(a.bad.size(), b.bad.size());
        assertEquals(zst + ":3", b.bad.get(0).location());
    }

    @Test
    void textFilesAndDirectoriesAreOneDocumentPerFile() throws IOException {
        Path d = Files.createDirectories(dir.resolve("texts"));
        Files.writeString(d.resolve("b.txt"), "Second");
        Files.writeString(d.resolve("a.txt"), "First");
        Files.write(d.resolve("c.txt"), new byte[] {'o', 'k', '\n', (byte) 0xC3});
        Files.writeString(d.resolve(".hidden"), "skip me");
        Collect c = new Collect(false);
        for (var s : Inputs.resolve(List.of(d), n -> { })) {
            s.read(c);
        }
        assertEquals(List.of("First", "Second"), c.docs.stream().map(RawDocument::text).toList());
        assertEquals(new MalformedRecord(d.resolve("c.txt") + ":2", "invalid UTF-8 at byte offset 3 of the file"), c.bad.get(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Inputs.resolve(List.of(dir.resolve("missing")), n -> { }));
        assertEquals("--input " + dir.resolve("missing") + ": no such file or directory", e.getMessage());
    }

    /**
     * The heap running out on one document names it and its size (data prepare's line advised --bucket-mb, which
     * cannot help: a document is held whole).
     */
    @Test
    void runningOutOfMemoryOnADocumentNamesItsLineAndSize() {
        byte[] jsonl = "{\"text\": \"a\"}\n{\"text\": \"the big one\"}\n".getBytes(StandardCharsets.UTF_8);
        PileJsonlSource source = new PileJsonlSource("in/big.jsonl", jsonl.length,
                () -> new java.io.ByteArrayInputStream(jsonl), n -> { });
        dev.wafer.ports.data.DocumentMemoryError e = assertThrows(dev.wafer.ports.data.DocumentMemoryError.class,
                () -> source.read(new DocumentVisitor() {
                    @Override
                    public void document(RawDocument document) {
                        if (document.text().length() > 1) {
                            throw new OutOfMemoryError("Java heap space");
                        }
                    }

                    @Override
                    public void malformed(MalformedRecord record) {
                    }
                }));
        assertEquals("in/big.jsonl:2", e.location());
        assertEquals(23, e.size()); // the line without its newline
        assertEquals("bytes", e.unit());
        assertEquals("Java heap space", e.getMessage());
    }
}
