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

    /**
     * A {@code .json} file is JSON Lines, as its {@code .json.zst} was (until 2026-12-07 it was one plain-text
     * document: the records' JSON was trained raw and a Books3 record escaped --exclude-source).
     */
    @Test
    void aJsonFileIsReadAsJsonLines() throws IOException {
        Path f = dir.resolve("00.json");
        Files.writeString(f, "{\"text\": \"one\", \"meta\": {\"pile_set_name\": \"Books3\"}}\n"
                + "{\"text\": \"two\", \"meta\": {\"pile_set_name\": \"Pile-CC\"}}\n");
        Collect c = read(f, false);
        assertEquals(List.of("Books3", "Pile-CC"), c.docs.stream().map(RawDocument::source).toList());
        assertEquals(List.of(), c.bad);
    }

    /**
     * A file named as JSON Lines that is one JSON document (an array, a pretty-printed object) is refused in one line
     * saying so, not read as a malformed record per line; one record cut short in a one-line file stays one malformed
     * record.
     */
    @Test
    void aJsonDocumentIsRefusedAsNotJsonLines() throws IOException {
        Path array = dir.resolve("array.json");
        Files.writeString(array, "\n[{\"text\": \"one\"},\n {\"text\": \"two\"}]\n");
        Path pretty = dir.resolve("pretty.jsonl");
        Files.writeString(pretty, "{\n  \"text\": \"one\",\n  \"meta\": {\"pile_set_name\": \"Books3\"}\n}\n");
        Path oneLineArray = dir.resolve("line.json");
        Files.writeString(oneLineArray, "[{\"text\": \"one\"}, {\"text\": \"two\"}]\n");
        for (Path f : List.of(array, pretty, oneLineArray)) {
            dev.wafer.formats.input.InvalidInputException e = assertThrows(
                    dev.wafer.formats.input.InvalidInputException.class, () -> read(f, false), f.toString());
            assertEquals(true, e.getMessage().startsWith(f + " is not JSON Lines (one JSON object per line"),
                    e.getMessage());
            assertEquals(true, e.getMessage().contains("line " + (f == array ? 2 : 1) + " opens a JSON "
                    + (f == pretty ? "object" : "array")), e.getMessage());
        }
        Path cut = dir.resolve("cut.jsonl");
        Files.writeString(cut, "{\"text\": \"a record cut sh\n");
        Collect c = read(cut, false);
        assertEquals(List.of(cut + ":1"), c.bad.stream().map(MalformedRecord::location).toList());
        assertEquals(true, c.bad.get(0).reason().startsWith("bad JSON"), c.bad.get(0).reason());
    }

    /**
     * The advice for a gzip file, followed, gives JSON Lines that are read as such (until 2026-12-07 "decompress it"
     * turned 00.json.gz into 00.json, then one plain-text document).
     */
    @Test
    void theGzipAdviceFollowedGivesJsonLines() throws IOException {
        String records = "{\"text\": \"one\", \"meta\": {\"pile_set_name\": \"Books3\"}}\n";
        for (String name : List.of("00.json.gz", "01.jsonl.gz", "02.JSON.gz")) {
            Path gz = dir.resolve(name);
            try (OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
                out.write(records.getBytes(StandardCharsets.UTF_8));
            }
            dev.wafer.formats.input.InvalidInputException e = assertThrows(
                    dev.wafer.formats.input.InvalidInputException.class, () -> read(gz, false));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("decompress it to (\\S+), or recompress it"
                    + " with zstd as (\\S+)$").matcher(e.getMessage());
            assertEquals(true, m.find(), e.getMessage());
            Path decompressed = Path.of(m.group(1));
            Path recompressed = Path.of(m.group(2));
            try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(gz))) {
                byte[] plain = in.readAllBytes();
                Files.write(decompressed, plain);
                try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(recompressed))) {
                    out.write(plain);
                }
            }
            for (Path followed : List.of(decompressed, recompressed)) {
                Collect c = read(followed, false);
                assertEquals(List.of("Books3"), c.docs.stream().map(RawDocument::source).toList(), followed.toString());
            }
        }
        assertEquals(true, Inputs.decompressAdvice(dir.resolve("b.txt.xz"), "b.txt").startsWith("decompress it to "
                + dir.resolve("b.txt") + " (read as one plain-text document)"));
    }

    /**
     * A source or licence that is not a string, or a meta that is no object, is a malformed record naming the field
     * (until 2026-12-07 they became the default source, which --exclude-source Books3 let through); a JSON null is
     * absent; a top-level pile_set_name is not the Pile's format and is not read.
     */
    @Test
    void provenanceFieldsOfAnotherTypeAreMalformed() throws IOException {
        Path f = dir.resolve("meta.jsonl");
        Files.writeString(f, String.join("\n",
                "{\"text\": \"t1\", \"meta\": {\"pile_set_name\": [\"Books3\"]}}",
                "{\"text\": \"t2\", \"meta\": {\"pile_set_name\": {\"name\": \"Books3\"}}}",
                "{\"text\": \"t3\", \"meta\": \"Books3\"}",
                "{\"text\": \"t4\", \"meta\": {\"pile_set_name\": \"\", \"source\": 3}}",
                "{\"text\": \"t5\", \"meta\": {\"pile_set_name\": \"Books3\", \"licence\": true}}",
                "{\"text\": \"t6\", \"meta\": {\"pile_set_name\": \"Books3\", \"license\": [\"MIT\"]}}",
                "{\"text\": \"t7\", \"meta\": {\"pile_set_name\": null, \"source\": \"Books3\", \"licence\": null}}",
                "{\"text\": \"t8\", \"meta\": null}",
                "{\"text\": \"t9\", \"pile_set_name\": \"Books3\", \"meta\": {\"url\": 5}}") + "\n");
        Collect c = read(f, false);
        assertEquals(List.of(
                new MalformedRecord(f + ":1", "field 'meta.pile_set_name' is not a string"),
                new MalformedRecord(f + ":2", "field 'meta.pile_set_name' is not a string"),
                new MalformedRecord(f + ":3", "field 'meta' is not an object"),
                new MalformedRecord(f + ":4", "field 'meta.source' is not a string"),
                new MalformedRecord(f + ":5", "field 'meta.licence' is not a string"),
                new MalformedRecord(f + ":6", "field 'meta.license' is not a string")), c.bad);
        assertEquals(List.of(new RawDocument("t7", "Books3", null, f + ":7"), new RawDocument("t8", null, null, f + ":8"),
                new RawDocument("t9", null, null, f + ":9")), c.docs);
    }

    /**
     * A lone surrogate escape is a malformed record on the fast path and on Jackson's (a number in meta sends a line
     * there), as invalid UTF-8 is (until 2026-12-07 it became a literal '?': the text was trained as another, and
     * counted as an exact duplicate of it); a pair is one character.
     */
    @Test
    void aLoneSurrogateEscapeIsMalformed() throws IOException {
        Path f = dir.resolve("sur.jsonl");
        Files.writeString(f, String.join("\n",
                "{\"text\": \"lone \\ud800 here\"}",
                "{\"text\": \"lone \\ud800 here\", \"meta\": {\"pages\": 3}}",
                "{\"text\": \"low \\uDC00 first\"}",
                "{\"text\": \"ok\", \"meta\": {\"title\": \"x\\udbff\\u0041\"}}",
                "{\"text\": \"\u00e9 pair \\ud83d\\ude00 \\\\ud800\"}",
                "{\"text\": \"pair \\ud83d\\ude00\", \"meta\": {\"pages\": 3}}") + "\n");
        Collect c = read(f, false);
        assertEquals(List.of(
                new MalformedRecord(f + ":1", "lone surrogate \\uD800 at byte 16 of the line (a \\u escape without its"
                        + " pair is not valid Unicode)"),
                new MalformedRecord(f + ":2", "lone surrogate \\uD800 at byte 16 of the line (a \\u escape without its"
                        + " pair is not valid Unicode)"),
                new MalformedRecord(f + ":3", "lone surrogate \\uDC00 at byte 15 of the line (a \\u escape without its"
                        + " pair is not valid Unicode)"),
                new MalformedRecord(f + ":4", "lone surrogate \\uDBFF at byte 36 of the line (a \\u escape without its"
                        + " pair is not valid Unicode)")), c.bad);
        assertEquals(List.of("\u00e9 pair \uD83D\uDE00 \\ud800", "pair \uD83D\uDE00"),
                c.docs.stream().map(RawDocument::text).toList());
    }

    /**
     * A zstd frame with a window over the decoder's default (2^27, zstd --long=28 and up) is read (until 2026-12-07
     * it was "corrupt zstd stream: Frame requires too much memory for decoding"); one past what zstd decodes at all is
     * refused without calling the file corrupt.
     */
    @Test
    void zstdFramesWithLargeWindowsAreRead() throws IOException {
        for (int windowLog : new int[] {28, 30}) {
            Path zst = dir.resolve("w" + windowLog + ".jsonl.zst");
            Files.write(zst, rawFrame(windowLog, corpus()));
            Collect c = read(zst, false);
            assertEquals(3, c.docs.size(), "window 2^" + windowLog);
        }
        // A frame header declaring a 2^32-byte window (descriptor exponent 22), then an empty last raw block.
        Path huge = dir.resolve("w32.jsonl.zst");
        Files.write(huge, rawFrame(32, new byte[0]));
        dev.wafer.formats.input.InvalidInputException e = assertThrows(
                dev.wafer.formats.input.InvalidInputException.class, () -> read(huge, false));
        assertEquals(huge + ": the zstd frame after line 0 needs a window over 2^31 bytes, more than this reader decodes"
                + " (recompress it with a smaller --long)", e.getMessage());
    }

    /**
     * A zstd frame of {@code data} stored raw (one last raw block) whose header declares a {@code 2^windowLog}-byte
     * window and no content size, as {@code zstd --long=N} writes from a pipe: the decoder must accept the window
     * whatever the data.
     */
    private static byte[] rawFrame(int windowLog, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD});
        out.write(0x00); // frame header descriptor: no content size, not single-segment, no checksum, no dictionary
        out.write((windowLog - 10) << 3); // window descriptor: exponent, mantissa 0
        int header = (data.length << 3) | 1; // raw block (type 0), last
        out.writeBytes(new byte[] {(byte) header, (byte) (header >> 8), (byte) (header >> 16)});
        out.writeBytes(data);
        return out.toByteArray();
    }
}
