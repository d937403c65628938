package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.domain.data.Provenance;
import dev.wafer.domain.data.ProvenanceRules;
import dev.wafer.domain.data.SplitAssigner;
import dev.wafer.domain.data.WorkFingerprint;
import dev.wafer.domain.data.WorkMatcher;
import dev.wafer.ports.data.DocumentSource;
import dev.wafer.ports.text.Tokenizer;

/**
 * Preparation output is byte for byte what it was: SHA-256 of every file of two prepared datasets against hashes
 * committed in {@code prepare-regression/expected-sha256.txt}, recorded before preparation moved into the domain.
 * The corpus is the embedded sample plus a JSONL file with malformed lines and a plain-text file; the settings force
 * several shuffle buckets, several shards per split, every exclusion rule, and both token widths (uint16 with GPT-2,
 * int32 with a vocabulary above 65,536). Only what legitimately varies is masked: the temporary directory in paths
 * and the wall time in {@code prepare_seconds} (so {@code manifest.json.sha256} is checked against the unmasked
 * manifest, then recorded with its digest masked). The manifest is hashed with its exclusions inline, as written
 * before 2026-12-08 moved them to {@code exclusions.jsonl} (hashed as a file of its own since).
 */
class PreparedDatasetBytesTest {
    private static final String EXPECTED = "/prepare-regression/expected-sha256.txt";

    @TempDir
    Path tmp;

    @Test
    void preparedFilesAreByteIdenticalToTheRecordedOutput() throws IOException {
        Path extra = tmp.resolve("extra.jsonl");
        Files.writeString(extra, String.join("\n",
                "{\"text\": \"A short note without meta.\\nIt has two lines.\"}",
                "{\"text\": 3}",
                "not json at all",
                "{\"text\": \"A short note without meta.\\nIt has two lines.\"}",
                "{\"text\": \"Licensed text.\", \"meta\": {\"pile_set_name\": \"Notes\", \"licence\": \"cc-by-4.0\"}}",
                "{\"text\": \"   \"}",
                "{\"text\": \"Caf\\u00e9 &amp; cr\\u00e8me, written twice: caf\\u00e9 &amp; cr\\u00e8me.\"}") + "\n");
        Path text = tmp.resolve("notes.txt");
        Files.writeString(text, "Plain text document.\r\nSecond line, with <|endoftext|> inside.\n".repeat(40));
        WorkFingerprint work = WorkFingerprint.of("letter-d", sampleDocumentStartingWith("DAMN, v."));

        TreeMap<String, String> actual = new TreeMap<>();
        Path gpt2 = tmp.resolve("gpt2");
        prepare(gpt2, new GptTokenizer(), 64, new ProvenanceRules(Set.of("Books3"), Set.of(), new WorkMatcher(List.of(work))),
                List.of("Books3"), List.of(), 3, 300, List.of(extra, text));
        actual.putAll(hashes("gpt2", gpt2));
        Path wide = tmp.resolve("wide");
        prepare(wide, new WideTokenizer(), 100, new ProvenanceRules(Set.of(), Set.of("public-domain"), new WorkMatcher(List.of())),
                List.of(), List.of("public-domain"), 1, 400, List.of(text, extra));
        actual.putAll(hashes("wide", wide));

        String listing = actual.entrySet().stream().map(e -> e.getValue() + "  " + e.getKey())
                .collect(Collectors.joining("\n", "", "\n"));
        assertEquals(expected(), listing, "prepared files differ from the recorded output; actual listing:\n" + listing);
    }

    private void prepare(Path out, Tokenizer tokenizer, int seqLen, ProvenanceRules rules, List<String> excludedSources,
                         List<String> allowedLicences, int threads, long sequencesPerShard, List<Path> files)
            throws IOException {
        String split = "0.8,0.1,0.1";
        PrepareSettings settings = new PrepareSettings(out, tokenizer, seqLen, 7, split, SplitAssigner.parse(split), rules,
                excludedSources, allowedLicences, List.of("letter-d (fixture)"), Provenance.UNKNOWN_SOURCE,
                "public-domain", false, threads, sequencesPerShard, 300);
        DatasetPreparer preparer = new DatasetPreparer(settings, Progress.NONE);
        List<DocumentSource> sources = Stream.concat(Stream.of(Inputs.sample(preparer.byteCounter())),
                Inputs.resolve(files, preparer.byteCounter()).stream()).toList();
        preparer.prepare(sources);
    }

    private TreeMap<String, String> hashes(String name, Path dir) throws IOException {
        TreeMap<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                byte[] bytes = Files.readAllBytes(f);
                String file = f.getFileName().toString();
                if (file.equals(DatasetLayout.MANIFEST_SHA256)) {
                    // It holds the SHA-256 of the unmasked manifest (with its wall time): check it, record its form.
                    String recorded = new String(bytes, StandardCharsets.US_ASCII);
                    assertEquals(sha256(Files.readAllBytes(dir.resolve(DatasetLayout.MANIFEST))) + "  manifest.json\n",
                            recorded, name + "/" + file);
                    bytes = recorded.replaceAll("[0-9a-f]{64}", "<sha256>").getBytes(StandardCharsets.US_ASCII);
                }
                if (file.equals(DatasetLayout.MANIFEST)) {
                    // Hashed with its exclusions inline, as builds before 2026-12-08 wrote it: the same bytes.
                    bytes = inlineExclusions(bytes, dir);
                }
                if (file.endsWith(".json") || file.endsWith(".jsonl")) {
                    String s = new String(bytes, StandardCharsets.UTF_8).replace(tmp.toString(), "$TMP")
                            .replaceAll("\"prepare_seconds\" : [-0-9.Ee]+", "\"prepare_seconds\" : 0");
                    if (file.equals(DatasetLayout.MANIFEST)) {
                        s = maskDocumentsCrc(s, dir);
                    }
                    bytes = s.getBytes(StandardCharsets.UTF_8);
                }
                out.put(name + "/" + file, sha256(bytes));
            }
        }
        return out;
    }

    /**
     * The manifest with its exclusions' summary replaced by the lines of exclusions.jsonl (after checking the summary
     * against the file), written as {@link ManifestJson} writes a manifest: what manifests held before 2026-12-08.
     */
    static byte[] inlineExclusions(byte[] manifest, Path dir) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(manifest);
        var summary = root.path("exclusions");
        if (!summary.isObject()) {
            return manifest;
        }
        Path file = dir.resolve(DatasetLayout.EXCLUSIONS);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(Files.readAllBytes(file));
        assertEquals(lines.size(), summary.path("count").asLong(), "exclusions.count");
        assertEquals(Files.size(file), summary.path("bytes").asLong(), "exclusions.bytes");
        assertEquals(String.format("%08x", crc.getValue()), summary.path("crc32c").asText(), "exclusions.crc32c");
        var inline = json.createArrayNode();
        for (String line : lines) {
            inline.add(json.readTree(line));
        }
        root.set("exclusions", inline);
        return json.writeValueAsBytes(root);
    }

    /**
     * documents.jsonl names the inputs by path, so its CRC-32C varies with the temporary directory: check the
     * recorded one against the file, then mask it.
     */
    private static String maskDocumentsCrc(String manifest, Path dir) throws IOException {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(Files.readAllBytes(dir.resolve(DatasetLayout.DOCUMENTS)));
        String field = String.format("\"documents.jsonl\" : {\n      \"bytes\" : %d,\n      \"crc32c\" : \"%08x\"",
                Files.size(dir.resolve(DatasetLayout.DOCUMENTS)), crc.getValue());
        assertTrue(manifest.contains(field), "manifest.json records documents.jsonl as " + field);
        return manifest.replace(field, "\"documents.jsonl\" : {\"masked\" : true");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String expected() throws IOException {
        try (InputStream in = PreparedDatasetBytesTest.class.getResourceAsStream(EXPECTED)) {
            return in == null ? "(missing " + EXPECTED + ")" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String sampleDocumentStartingWith(String prefix) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = new ZstdInputStream(PreparedDatasetBytesTest.class.getResourceAsStream(Inputs.SAMPLE_RESOURCE))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String text = json.readTree(line).path("text").asText();
                if (text.startsWith(prefix)) {
                    return new dev.wafer.domain.data.TextNormaliser().normalise(text);
                }
            }
        }
        throw new IllegalStateException("no sample document starts with " + prefix);
    }

    /** Byte tokens in a vocabulary above 65,536 ids, so shards and shuffle buckets store int32 ids. */
    private static final class WideTokenizer implements Tokenizer {
        private final ByteTokenizer bytes = new ByteTokenizer();

        @Override
        public String name() {
            return "bytes-wide";
        }

        @Override
        public int vocabSize() {
            return 70_000;
        }

        @Override
        public int endOfTextId() {
            return 69_999;
        }

        @Override
        public int[] encode(String text) {
            int[] ids = bytes.encode(text);
            for (int i = 0; i < ids.length; i++) {
                ids[i] = ids[i] == ByteTokenizer.END_OF_TEXT ? 69_999 : ids[i] * 257;
            }
            return ids;
        }

        @Override
        public String decode(int[] ids) {
            throw new UnsupportedOperationException("not needed to prepare");
        }
    }
}
