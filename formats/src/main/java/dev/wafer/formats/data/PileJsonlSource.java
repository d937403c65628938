package dev.wafer.formats.data;

import dev.wafer.formats.input.Utf8LineReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdIOException;

import dev.wafer.formats.input.InvalidInputException;
import dev.wafer.ports.data.DocumentMemoryError;
import dev.wafer.ports.data.DocumentSource;
import dev.wafer.ports.data.DocumentVisitor;
import dev.wafer.ports.data.MalformedRecord;
import dev.wafer.ports.data.RawDocument;

/**
 * Reads Pile-format JSON Lines, plain or zstd-compressed, one line at a time (constant memory apart from the
 * longest line): {@code {"text": "...", "meta": {"pile_set_name": "...", "licence": "...", "source": "..."}}}.
 * The source is {@code meta.pile_set_name}, else {@code meta.source}; the licence is {@code meta.licence}, else
 * {@code meta.license}. Blank lines are ignored. Lines of the usual shape are parsed straight from their bytes
 * ({@link PileLineParser}); the rest go through strict decoding and Jackson, with the same results.
 */
public final class PileJsonlSource implements DocumentSource {
    /**
     * The longest string a record may hold, in chars: Jackson's default (20 million) is a guard for untrusted network
     * input, but single Pile documents run to tens of megabytes, and a valid record must never be dropped as
     * malformed; a Java string can hold no more than this anyway.
     */
    static final int MAX_STRING_CHARS = Integer.MAX_VALUE - 8;
    private static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                    .maxStringLength(MAX_STRING_CHARS).build())
            .build());

    private final String name;
    private final long size;
    private final StreamOpener opener;
    private final LongConsumer bytesRead;
    /** The SHA-256 of the stored bytes the last complete read consumed; null before one. */
    private volatile String sha256;

    PileJsonlSource(String name, long size, StreamOpener opener, LongConsumer bytesRead) {
        this.name = name;
        this.size = size;
        this.opener = opener;
        this.bytesRead = bytesRead;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long sizeBytes() {
        return size;
    }

    @Override
    public String sha256() {
        return sha256;
    }

    /**
     * {@inheritDoc}
     *
     * @throws InvalidInputException naming the file when its zstd compression is corrupt or cut short
     * @throws dev.wafer.ports.data.UnreadableInputException naming the file and the reason when it cannot be read
     */
    @Override
    public void read(DocumentVisitor visitor) throws IOException {
        long lastLine = 0;
        sha256 = null;
        StoredDigest digest = null;
        try (InputStream in = withoutByteOrderMark(InputStreams.decoded(name,
                (digest = StoredDigest.of(opener.open())).stream(), bytesRead))) {
            Utf8LineReader lines = new Utf8LineReader(in);
            PileLineParser fast = new PileLineParser();
            FirstRecord first = new FirstRecord();
            boolean whole = false;
            try {
                while (true) {
                    whole = false;
                    if (!lines.advance()) {
                        break;
                    }
                    whole = true;
                    lastLine = lines.number();
                    if (first.unclosed != null) {
                        throw notJsonLines(first.unclosedLine, "opens a JSON object that does not close on that line"
                                + " (one JSON document over many lines?); write one record per line, e.g. jq -c ."
                                + " FILE > FILE.jsonl");
                    }
                    readLine(lines, fast, visitor, first);
                }
                if (first.unclosed != null) {
                    visitor.malformed(first.unclosed); // the file's only line, cut short: one malformed record
                }
            } catch (DocumentMemoryError e) {
                throw e; // a worker's, naming its own document
            } catch (OutOfMemoryError e) {
                // One line is one document, held whole: name it, and its size once it was read.
                throw new DocumentMemoryError(name + ":" + (whole ? lastLine : lastLine + 1),
                        whole ? lines.length() : -1, "bytes", e);
            }
            sha256 = digest.finish();
        } catch (ZstdIOException e) {
            // The decoder's own error (not a read failure): corrupt stored bytes, or a frame it cannot decode.
            throw new InvalidInputException(name + ": " + ZstdErrors.describe(e, "after line " + lastLine), e);
        } catch (IOException e) {
            // Opening or reading failed in the operating system (permission denied, a device error).
            throw IoFailures.unreadableInput(name, e);
        }
    }

    /**
     * What the first record of a file told: a file named as JSON Lines that is one JSON document (an array, a
     * pretty-printed object) would otherwise give a malformed record per line, each with a cryptic JSON error.
     */
    private static final class FirstRecord {
        /** Whether a non-blank line was read. */
        boolean seen;
        /** The first line, when it opened an object it did not close: the file is refused if any line follows. */
        MalformedRecord unclosed;
        long unclosedLine;
    }

    /** The refusal of a file that is not JSON Lines, naming its first record's line and what it holds. */
    private InvalidInputException notJsonLines(long line, String what) {
        return new InvalidInputException(name + " is not JSON Lines (one JSON object per line, as its name says):"
                + " line " + line + " " + what);
    }

    /** One line read: a document, a malformed record, or nothing (a blank line). */
    private void readLine(Utf8LineReader lines, PileLineParser fast, DocumentVisitor visitor, FirstRecord first) {
        String location = name + ":" + lines.number();
        boolean isFirst = !first.seen;
        if (fast.parse(lines.bytes(), lines.length())) {
            first.seen = true;
            document(fast.text, firstNonBlank(fast.pileSetName, fast.source),
                    firstNonBlank(fast.licence, fast.license), location, visitor);
            return;
        }
        Utf8LineReader.Line line = lines.decode();
        if (line.error() != null) {
            first.seen = true;
            visitor.malformed(new MalformedRecord(location, line.error()));
        } else if (!line.text().isBlank()) {
            first.seen = true;
            if (isFirst && line.text().stripLeading().startsWith("[")) {
                throw notJsonLines(lines.number(), "opens a JSON array; write one record per line, e.g. jq -c '.[]'"
                        + " FILE > FILE.jsonl");
            }
            MalformedRecord unclosed = parse(line.text(), location, visitor);
            if (unclosed != null && isFirst) {
                first.unclosed = unclosed;
                first.unclosedLine = lines.number();
            } else if (unclosed != null) {
                visitor.malformed(unclosed);
            }
        }
    }

    /**
     * The stream after a UTF-8 byte order mark, when it starts with one: some Windows editors write one, and it would
     * make the first record malformed.
     */
    static InputStream withoutByteOrderMark(InputStream in) throws IOException {
        java.io.BufferedInputStream b = new java.io.BufferedInputStream(in, 1 << 16);
        b.mark(3);
        byte[] head = b.readNBytes(3);
        if (!(head.length == 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF)) {
            b.reset();
        }
        return b;
    }

    /**
     * Parses one line into a document or a malformed record.
     *
     * @return the malformed record, unreported, when the line ends inside the object it opens (the caller tells a
     *         cut-short record from a JSON document over many lines); null when the line was reported
     */
    private static MalformedRecord parse(String line, String location, DocumentVisitor visitor) {
        JsonNode node;
        try (com.fasterxml.jackson.core.JsonParser p = JSON.createParser(line)) {
            node = JSON.readTree(p);
            // One record per line: a second record or stray text after the first would otherwise be dropped unseen.
            if (node != null && hasMore(p)) {
                visitor.malformed(new MalformedRecord(location, "bad JSON: content after the record's closing"
                        + " brace at column " + p.currentTokenLocation().getColumnNr() + " (one record per line)"));
                return null;
            }
        } catch (com.fasterxml.jackson.core.io.JsonEOFException e) {
            return new MalformedRecord(location, "bad JSON: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            visitor.malformed(new MalformedRecord(location, "bad JSON: " + e.getOriginalMessage()));
            return null;
        } catch (IOException e) {
            // A parser over a String reads no file: only its JSON can fail.
            throw new java.io.UncheckedIOException(e);
        }
        String problem = problem(node, line);
        if (problem != null) {
            visitor.malformed(new MalformedRecord(location, problem));
            return null;
        }
        JsonNode meta = node.path("meta");
        String source = firstString(meta, "pile_set_name", "source");
        String licence = firstString(meta, "licence", "license");
        document(node.get("text").asText(), source, licence, location, visitor);
        return null;
    }

    /** The provenance fields read from {@code meta}; any other field of a record is not looked at. */
    private static final String[] META_FIELDS = {"pile_set_name", "source", "licence", "license"};

    /**
     * Why a parsed line is no record, or null. A source or licence of another type than a string (or a {@code meta}
     * that is no object) is malformed as a {@code text} of another type is: read as absent, it became the default
     * source, which {@code --exclude-source} does not exclude. A JSON null is absent.
     */
    private static String problem(JsonNode node, String line) {
        if (node == null || !node.isObject()) {
            return "bad JSON: expected an object";
        }
        JsonNode text = node.get("text");
        if (text == null || !text.isTextual()) {
            return text == null ? "missing field 'text'" : "field 'text' is not a string";
        }
        JsonNode meta = node.get("meta");
        if (meta != null && !meta.isNull()) {
            if (!meta.isObject()) {
                return "field 'meta' is not an object";
            }
            for (String f : META_FIELDS) {
                JsonNode v = meta.get(f);
                if (v != null && !v.isNull() && !v.isTextual()) {
                    return "field 'meta." + f + "' is not a string";
                }
            }
        }
        return JsonSurrogates.loneSurrogate(line);
    }

    /** Whether anything but white space follows the value just read (stray text that is no JSON included). */
    private static boolean hasMore(com.fasterxml.jackson.core.JsonParser p) throws IOException {
        try {
            return p.nextToken() != null;
        } catch (JsonProcessingException e) {
            return true;
        }
    }

    private static final dev.wafer.domain.data.TextNormaliser NORMALISER = new dev.wafer.domain.data.TextNormaliser();

    private static void document(String text, String source, String licence, String location,
                                 DocumentVisitor visitor) {
        if (text.isBlank()) {
            visitor.malformed(new MalformedRecord(location, "empty document (field 'text' is blank)"));
            return;
        }
        if (NORMALISER.isBlankWhenNormalised(text)) {
            // Only control characters: normalising removes them all, leaving a 0-token document.
            visitor.malformed(new MalformedRecord(location, "empty document (field 'text' holds only control"
                    + " characters and white space, which normalising removes)"));
            return;
        }
        visitor.document(new RawDocument(text, source, licence, location));
    }

    private static String firstNonBlank(String first, String second) {
        if (first != null && !first.isBlank()) {
            return first;
        }
        return second != null && !second.isBlank() ? second : null;
    }

    private static String firstString(JsonNode meta, String... fields) {
        for (String f : fields) {
            JsonNode v = meta.get(f);
            if (v != null && v.isTextual() && !v.asText().isBlank()) {
                return v.asText();
            }
        }
        return null;
    }
}
