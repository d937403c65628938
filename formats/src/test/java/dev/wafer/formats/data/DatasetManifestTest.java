package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wafer.domain.data.Provenance;
import dev.wafer.domain.data.ProvenanceRules;
import dev.wafer.domain.data.Split;
import dev.wafer.domain.data.SplitAssigner;
import dev.wafer.domain.data.WorkMatcher;

/**
 * The typed manifest holds what the file holds: its settings, splits and summary written back as JSON equal the
 * file's, and the digests earlier builds recorded as its fingerprint (the compact manifest without its wall-clock
 * field, without and with the inputs' SHA-256 that manifests hold since 2026-12-07) still identify it, so checkpoints
 * written before resume on the same data.
 */
class DatasetManifestTest {
    private static final ObjectMapper INDENTED = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper PLAIN = new ObjectMapper();

    @TempDir
    static Path dir;
    private static Path dataset;

    @BeforeAll
    static void prepare() throws IOException {
        dataset = dir.resolve("ds");
        String split = "0.8,0.1,0.1";
        PrepareSettings settings = new PrepareSettings(dataset, new ByteTokenizer(), 64, 3, split,
                SplitAssigner.parse(split), new ProvenanceRules(new HashSet<>(), new HashSet<>(),
                        new WorkMatcher(List.of())), List.of("Enron Emails"), List.of(), List.of(),
                Provenance.UNKNOWN_SOURCE, Provenance.UNKNOWN_LICENCE, false, 1, 200, 1 << 16);
        DatasetPreparer preparer = new DatasetPreparer(settings, Progress.NONE);
        preparer.prepare(List.of(Inputs.sample(preparer.byteCounter())));
    }

    @Test
    void settingsSplitsAndSummaryAreTheFilesFields() throws IOException {
        DatasetManifest manifest = ManifestJson.read(dataset);
        ObjectNode raw = (ObjectNode) PLAIN.readTree(Files.readAllBytes(new DatasetLayout(dataset).manifest()));
        ObjectNode expected = PLAIN.createObjectNode();
        expected.set("settings", raw.get("settings"));
        expected.set("splits", raw.get("splits"));
        expected.set("summary", raw.get("summary"));
        expected.set("inputs", raw.get("inputs"));
        assertEquals(INDENTED.writeValueAsString(expected), ManifestJson.statsText(manifest));
        assertEquals(64, manifest.settings().seqLen());
        assertEquals(List.of("Enron Emails"), manifest.settings().excludeSources());
        assertEquals(raw.path("splits").path("train").path("shards").size(),
                manifest.split(Split.TRAIN).orElseThrow().shards().size());
    }

    @Test
    void theEmbeddedCorpusIsRecordedWithTheSha256OfItsStoredBytes() throws Exception {
        byte[] stored;
        try (var in = Inputs.class.getResourceAsStream(Inputs.SAMPLE_RESOURCE)) {
            stored = in.readAllBytes();
        }
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored));
        assertEquals(List.of(new DatasetManifest.Input("embedded:sample.jsonl.zst", -1, expected)),
                ManifestJson.read(dataset).inputs());
    }

    @Test
    void theDigestsEarlierBuildsRecordedAreTheManifestWithoutItsDurationWithAndWithoutItsInputsSha256()
            throws Exception {
        ObjectNode raw = (ObjectNode) PLAIN.readTree(Files.readAllBytes(new DatasetLayout(dataset).manifest()));
        raw.remove("prepare_seconds");
        DatasetManifest manifest = ManifestJson.read(dataset);
        // What builds of 2026-12-07 recorded (the inputs' sha256 included) still names this data.
        String withSha256 = digest(raw);
        assertEquals(withSha256, manifest.earlierFingerprints().get(1));
        assertTrue(manifest.identifiedBy(withSha256));
        raw.withArray("inputs").forEach(input -> ((ObjectNode) input).remove("sha256"));
        // And so does what builds before 2026-12-07 recorded.
        assertEquals(digest(raw), manifest.earlierFingerprints().get(0));
        assertTrue(manifest.identifiedBy(digest(raw)));
        assertTrue(manifest.identifiedBy(manifest.fingerprint()));
        assertFalse(List.of(withSha256, digest(raw)).contains(manifest.fingerprint()),
                "the fingerprint recorded now leaves the inputs' names out: " + manifest.fingerprint());
        assertFalse(manifest.identifiedBy("manifest-sha256:00000000000000000000000000000000"));
    }

    /**
     * A manifest as builds before 2026-12-07 wrote it (no inputs' sha256, written by hand here) has the fingerprint
     * those builds recorded, and it is the fingerprint of the same data prepared by this build: it used to differ,
     * and their checkpoints were refused on a sample prepared again.
     */
    @Test
    void aManifestWithoutInputsSha256HasTheFingerprintOfTheSameDataPreparedNow() throws Exception {
        Path old = dir.resolve("old-build");
        Files.createDirectories(old);
        try (var files = Files.list(dataset)) {
            for (Path f : files.toList()) {
                Files.copy(f, old.resolve(f.getFileName()));
            }
        }
        ObjectNode raw = (ObjectNode) PLAIN.readTree(Files.readAllBytes(new DatasetLayout(old).manifest()));
        raw.withArray("inputs").forEach(input -> ((ObjectNode) input).remove("sha256"));
        raw.put("prepare_seconds", 12.5); // another preparation took another time
        byte[] bytes = INDENTED.writeValueAsBytes(raw);
        Files.write(new DatasetLayout(old).manifest(), bytes);
        Files.writeString(new DatasetLayout(old).manifestSha256(), ManifestCheck.line(bytes), StandardCharsets.US_ASCII);
        raw.remove("prepare_seconds");
        DatasetManifest before = ManifestJson.read(old);
        DatasetManifest now = ManifestJson.read(dataset);
        assertEquals(digest(raw), before.earlierFingerprints().get(0),
                "the fingerprint builds before 2026-12-07 recorded");
        assertEquals(before.earlierFingerprints().get(0), now.earlierFingerprints().get(0));
        assertEquals(before.fingerprint(), now.fingerprint());
        assertTrue(now.identifiedBy(before.earlierFingerprints().get(0)));
        assertTrue(now.identifiedBy(before.fingerprint()));
        assertTrue(before.identifiedBy(now.fingerprint()));
        assertEquals("", before.inputs().get(0).sha256());
    }

    private static String digest(ObjectNode manifest) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(PLAIN.writeValueAsBytes(manifest));
        return "manifest-sha256:" + HexFormat.of().formatHex(digest, 0, 16);
    }
}
