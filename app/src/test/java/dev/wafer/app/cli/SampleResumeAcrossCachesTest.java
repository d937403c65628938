package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wafer.formats.data.Progress;
import dev.wafer.formats.data.SampleDataset;

/**
 * A run on the embedded sample resumes on the sample prepared in another cache (another machine, an emptied cache)
 * whichever build prepared either: the tokens are the same. Until the fix a cache prepared before 2026-12-07 (whose
 * manifest has no inputs' sha256, written here by hand as those builds wrote it) and one prepared since gave other
 * fingerprints, and the resume was refused advising --data, which is refused for the sample too. Each run is a child
 * process, since the cache is chosen by {@code WAFER_CACHE}.
 */
class SampleResumeAcrossCachesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> RUN = List.of("train", "--d-model", "32", "--layers", "1", "--heads", "2",
            "--seq", "32", "--batch", "4", "--steps", "6", "--seed", "11", "--json");

    @TempDir
    static Path tmp;
    static Path oldCache;
    static Path newCache;
    static List<String> uninterrupted;
    /** Runs stopped at step 3, trained on the sample in each cache, and the losses they printed. */
    static Path stoppedOld;
    static Path stoppedNew;
    static List<String> firstOld;
    static List<String> firstNew;

    @BeforeAll
    static void caches() throws Exception {
        oldCache = tmp.resolve("cache-old");
        Path sample = SampleDataset.ensure(oldCache, 32, Progress.NONE);
        ObjectNode manifest = (ObjectNode) JSON.readTree(sample.resolve("manifest.json").toFile());
        manifest.withArray("inputs").forEach(input -> ((ObjectNode) input).remove("sha256"));
        writeManifest(sample, manifest);
        newCache = tmp.resolve("cache-new");
        CliRun full = wafer(newCache, "--out", tmp.resolve("full").toString());
        assertEquals(0, full.exitCode(), full.err());
        uninterrupted = losses(full);
        assertEquals(6, uninterrupted.size());
        stoppedOld = tmp.resolve("stopped-old");
        firstOld = losses(stopped(oldCache, stoppedOld));
        stoppedNew = tmp.resolve("stopped-new");
        firstNew = losses(stopped(newCache, stoppedNew));
    }

    private static CliRun stopped(Path cache, Path out) throws Exception {
        CliRun run = wafer(cache, "--out", out.toString(), "--stop-at", "3");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(uninterrupted.subList(0, 3), losses(run));
        return run;
    }

    @Test
    void aRunOnACacheOlderBuildsPreparedResumesOnOneThisBuildPreparedBitForBit() throws Exception {
        assertResumes(stoppedOld, firstOld, newCache, "old-to-new");
    }

    @Test
    void aRunOnACacheThisBuildPreparedResumesOnOneOlderBuildsPreparedBitForBit() throws Exception {
        assertResumes(stoppedNew, firstNew, oldCache, "new-to-old");
    }

    /** A checkpoint that recorded the fingerprint with the inputs' sha256 (builds of 2026-12-07) resumes too. */
    @Test
    void aCheckpointRecordingTheFingerprintWithProvenanceResumes() throws Exception {
        Path sample = SampleDataset.directory(newCache, 32);
        ObjectNode manifest = (ObjectNode) JSON.readTree(sample.resolve("manifest.json").toFile());
        manifest.remove("prepare_seconds");
        if (manifest.path("exclusions").isObject()) {
            // Builds of 2026-12-07 listed the sample's excluded documents inline, where exclusions.jsonl has them now.
            com.fasterxml.jackson.databind.node.ArrayNode inline = manifest.arrayNode();
            for (String line : java.nio.file.Files.readAllLines(sample.resolve("exclusions.jsonl"))) {
                inline.add(JSON.readTree(line));
            }
            manifest.set("exclusions", inline);
        }
        String withProvenance = "manifest-sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(JSON.writeValueAsBytes(manifest)), 0, 16);
        Path edited = CheckpointHeaderEdit.edit(stoppedNew.resolve("checkpoint.wafer"),
                tmp.resolve("with-provenance-edited").resolve("checkpoint.wafer"),
                h -> ((ObjectNode) h.path("training").path("data")).put("fingerprint", withProvenance));
        CliRun rest = wafer(newCache, "--resume", edited.getParent().toString());
        assertEquals(0, rest.exitCode(), rest.err());
        List<String> resumed = new ArrayList<>(firstNew);
        resumed.addAll(losses(rest));
        assertEquals(uninterrupted, resumed);
    }

    /**
     * Other data in the cache is refused with advice the same situation accepts: not --data (refused for the
     * sample), but deleting the cached sample, which this build then prepares again.
     */
    @Test
    void otherDataInTheCacheIsRefusedAdvisingWhatWorks() throws Exception {
        Path run = copy(stoppedNew, tmp.resolve("other"));
        Path otherCache = tmp.resolve("cache-other");
        Path sample = SampleDataset.ensure(otherCache, 32, Progress.NONE);
        ObjectNode manifest = (ObjectNode) JSON.readTree(sample.resolve("manifest.json").toFile());
        ((ObjectNode) manifest.path("settings")).put("seed", 99); // prepared otherwise, as far as the manifest says
        writeManifest(sample, manifest);

        CliRun refused = wafer(otherCache, "--resume", run.toString());
        assertEquals(2, refused.exitCode(), refused.err());
        String line = refused.err().lines().filter(l -> l.startsWith("wafer: ")).reduce((a, b) -> b).orElse("");
        assertTrue(line.contains("the embedded sample prepared in " + sample + " is not the data this run trained on"),
                line);
        assertTrue(line.contains("delete " + sample + " and this build prepares it again"), line);
        assertFalse(line.contains("--data"), line);
        CliRun dryRun = wafer(otherCache, "--resume", run.toString(), "--dry-run", "--no-measure");
        assertEquals(2, dryRun.exitCode(), "the dry run refuses what the run refuses: " + dryRun.err());

        deleteTree(sample);
        CliRun rest = wafer(otherCache, "--resume", run.toString());
        assertEquals(0, rest.exitCode(), rest.err());
        List<String> resumed = new ArrayList<>(firstNew);
        resumed.addAll(losses(rest));
        assertEquals(uninterrupted, resumed);
    }

    private static void assertResumes(Path stopped, List<String> first, Path resumedIn, String name)
            throws Exception {
        Path run = copy(stopped, tmp.resolve(name));
        CliRun rest = wafer(resumedIn, "--resume", run.toString());
        assertEquals(0, rest.exitCode(), rest.err());
        List<String> resumed = new ArrayList<>(first);
        resumed.addAll(losses(rest));
        assertEquals(uninterrupted, resumed, name + ": the resumed losses differ from the uninterrupted run's");
    }

    /** A copy of the stopped run in {@code to}, for one test to resume. */
    private static Path copy(Path stopped, Path to) throws Exception {
        Files.createDirectories(to);
        Files.copy(stopped.resolve("checkpoint.wafer"), to.resolve("checkpoint.wafer"));
        return to;
    }

    /** Writes {@code manifest} with the digest beside it, as data prepare writes it. */
    private static void writeManifest(Path dataset, ObjectNode manifest) throws Exception {
        byte[] bytes = JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(manifest);
        Files.write(dataset.resolve("manifest.json"), bytes);
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        Files.writeString(dataset.resolve("manifest.json.sha256"), digest + "  manifest.json\n",
                StandardCharsets.US_ASCII);
    }

    /** {@code wafer train} with {@link #RUN}'s flags and {@code extra}, in a child process with its cache. */
    private static CliRun wafer(Path cache, String... extra) throws Exception {
        List<String> args = new ArrayList<>(RUN);
        args.addAll(List.of(extra));
        Path out = Files.createTempFile(tmp, "run", ".out");
        Path err = Files.createTempFile(tmp, "run", ".err");
        ProcessBuilder pb = new ProcessBuilder(MpiLauncher.wafer(args)).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().put("WAFER_CACHE", cache.toString());
        Process p = pb.start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("wafer " + args + " did not end within 3 minutes: " + Files.readString(err));
        }
        return new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static List<String> losses(CliRun run) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : run.out().lines().toList()) {
            if (line.startsWith("{")) {
                JsonNode n = JSON.readTree(line);
                if (n.has("step")) {
                    out.add(n.get("loss").asText());
                }
            }
        }
        return out;
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
