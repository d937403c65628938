package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wafer.domain.data.Provenance;
import dev.wafer.domain.data.ProvenanceRules;
import dev.wafer.domain.data.SplitAssigner;
import dev.wafer.domain.data.WorkFingerprint;
import dev.wafer.domain.data.WorkMatcher;
import dev.wafer.domain.data.dedup.DedupMode;
import dev.wafer.domain.data.dedup.DedupSettings;

/**
 * The fingerprint is the tokens' identity, not the corpus's path: the same corpus prepared by another spelling of its
 * path, or after it was moved and renamed (its work file too), has the same fingerprint, with every part of the
 * manifest that names it in play (excluded sources and works, near duplicates, a malformed record). Until 2026-12-07
 * the inputs' names, the works' paths and the locations inside documents.jsonl, exclusions.jsonl, duplicates.jsonl
 * and the malformed list entered it, and the same data was "other data" to {@code train --resume}. Another seed, or
 * one shard byte changed, is still other data. Seeded corpus: seed {@value #SEED}.
 */
class DatasetIdentityTest {
    private static final long SEED = 20261207L;
    private static final ObjectMapper INDENTED = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @TempDir
    static Path tmp;
    static Path corpus;
    static Path work;
    static DatasetManifest asGiven;

    @BeforeAll
    static void corpus() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("corpus"));
        SplittableRandom random = new SplittableRandom(SEED);
        StringBuilder b = new StringBuilder();
        String workText = null;
        for (int i = 0; i < 60; i++) {
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < 60; w++) {
                text.append(w == 0 ? "" : " ").append("w").append(random.nextInt(400));
            }
            if (i == 7) {
                workText = text.toString();
            }
            b.append("{\"text\": \"").append(text).append("\", \"meta\": {\"pile_set_name\": \"src")
                    .append(i % 3).append("\"}}\n");
        }
        b.append("{not json\n");
        String lines = b.toString();
        // A near duplicate of document 4 (two words changed), so duplicates.jsonl has an entry.
        String copy = lines.lines().skip(4).findFirst().orElseThrow().replaceFirst("w\\d+ w\\d+", "v1 v2");
        corpus = Files.writeString(dir.resolve("corpus.jsonl"), lines + copy + "\n", StandardCharsets.UTF_8);
        work = Files.writeString(dir.resolve("work.txt"), workText, StandardCharsets.UTF_8);
        asGiven = ManifestJson.read(prepare(corpus, work, SEED, "as-given"));
        assertTrue(asGiven.summary().excluded() > 1 && asGiven.summary().malformed() == 1
                && asGiven.summary().duplicates() == 1, "every kind of location is in play: " + asGiven.summary());
    }

    @Test
    void anotherSpellingOfTheCorpusPathIsTheSameData() throws IOException {
        Path detour = Files.createDirectories(tmp.resolve("detour"));
        Path spelled = detour.resolve("..").resolve("corpus").resolve(".").resolve("corpus.jsonl");
        Path workSpelled = detour.resolve("..").resolve("corpus").resolve("work.txt");
        Path out = prepare(spelled, workSpelled, SEED, "spelled");
        DatasetManifest again = ManifestJson.read(out);
        assertTrue(again.inputs().get(0).name().contains(".."), again.inputs().toString());
        assertEquals(asGiven.fingerprint(), again.fingerprint());
        assertTrue(again.identifiedBy(asGiven.fingerprint()));
        // What builds before recorded names the input and differs: those checkpoints resume on the same spelling.
        assertNotEquals(asGiven.earlierFingerprints(), again.earlierFingerprints());
    }

    @Test
    void theCorpusMovedAndRenamedIsTheSameData() throws IOException {
        Path moved = Files.createDirectories(tmp.resolve("elsewhere").resolve("deeper"));
        Path renamed = Files.copy(corpus, moved.resolve("pile-00.jsonl"));
        Path workRenamed = Files.copy(work, moved.resolve("work.txt"));
        Path out = prepare(renamed, workRenamed, SEED, "moved");
        assertArrayEquals(Files.readAllBytes(tmp.resolve("as-given").resolve("train-00000.bin")),
                Files.readAllBytes(out.resolve("train-00000.bin")), "the same tokens");
        assertNotEquals(Files.readString(tmp.resolve("as-given").resolve(DatasetLayout.DOCUMENTS)),
                Files.readString(out.resolve(DatasetLayout.DOCUMENTS)), "the locations differ");
        assertEquals(asGiven.fingerprint(), ManifestJson.read(out).fingerprint());
    }

    @Test
    void anotherSeedIsOtherData() throws IOException {
        DatasetManifest other = ManifestJson.read(prepare(corpus, work, SEED + 1, "other-seed"));
        assertNotEquals(asGiven.fingerprint(), other.fingerprint());
        assertFalse(other.identifiedBy(asGiven.fingerprint()));
    }

    /** A shard with one byte changed, its manifest recording its new CRC-32 as a preparation would. */
    @Test
    void oneShardByteChangedIsOtherData() throws IOException {
        Path copy = Files.createDirectories(tmp.resolve("one-byte"));
        Path original = tmp.resolve("as-given");
        try (var files = Files.list(original)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Path shard = copy.resolve("train-00000.bin");
        byte[] bytes = Files.readAllBytes(shard);
        bytes[bytes.length - 3] ^= 1;
        Files.write(shard, bytes);
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length);
        DatasetLayout layout = new DatasetLayout(copy);
        ObjectNode root = (ObjectNode) INDENTED.readTree(Files.readAllBytes(layout.manifest()));
        String before = root.path("splits").path("train").path("shards").get(0).path("crc32").asText();
        String after = String.format(Locale.ROOT, "%08x", crc.getValue());
        ((ObjectNode) root.path("splits").path("train").path("shards").get(0)).put("crc32", after);
        byte[] manifest = INDENTED.writeValueAsBytes(root);
        Files.write(layout.manifest(), manifest);
        Files.writeString(layout.manifestSha256(), ManifestCheck.line(manifest), StandardCharsets.US_ASCII);
        DatasetManifest changed = ManifestJson.read(copy);
        if (before.equals(after)) {
            // The CRC is the payload's: were the changed byte outside it, this test would test nothing.
            throw new AssertionError("the changed byte is not in the recorded CRC-32 " + before);
        }
        assertNotEquals(asGiven.fingerprint(), changed.fingerprint());
        assertFalse(changed.identifiedBy(asGiven.fingerprint()));
    }

    @Test
    void theWorksPathIsLeftOutButItsNameAndShinglesStay() {
        ObjectNode root = INDENTED.createObjectNode();
        root.putObject("settings").putArray("exclude_works").add("work.txt (191 shingles, from /a/b, c/work.txt)");
        assertEquals("work.txt (191 shingles)",
                DatasetIdentity.view(root).path("settings").path("exclude_works").get(0).asText());
    }

    private static Path prepare(Path input, Path workFile, long seed, String name) throws IOException {
        Path out = tmp.resolve(name);
        String split = "1,0,0";
        WorkFingerprint fp = FingerprintFile.load(workFile);
        String workName = fp.name() + " (" + fp.shingles().length + " shingles, from " + workFile + ")";
        Set<String> excluded = Set.of("src0");
        PrepareSettings settings = new PrepareSettings(out, new ByteTokenizer(), 16, seed, split,
                SplitAssigner.parse(split), new ProvenanceRules(new HashSet<>(excluded), new HashSet<>(),
                new WorkMatcher(List.of(fp))), List.copyOf(excluded), List.of(), List.of(workName),
                Provenance.UNKNOWN_SOURCE, Provenance.UNKNOWN_LICENCE, false, 2, 200, 1 << 12,
                new DedupSettings(DedupMode.NEAR, DedupSettings.DEFAULT_THRESHOLD));
        new DatasetPreparer(settings, Progress.NONE).prepare(Inputs.resolve(List.of(input), n -> { }));
        return out;
    }
}
