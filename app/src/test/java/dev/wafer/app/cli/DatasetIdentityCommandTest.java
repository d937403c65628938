package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A run resumes on its corpus prepared again from another spelling of its path, or after the corpus was moved and
 * renamed: the tokens are the same. Until 2026-12-07 the inputs' names (and the locations in the files that list
 * documents, exclusions and duplicates) entered the fingerprint, so {@code audit provenance} said the data "DIFFERS"
 * and {@code train --resume} was refused advising the very data it refused. Checkpoints that recorded an earlier
 * build's fingerprint are still accepted on their data, by resume, its dry run, audit provenance, audit memorization
 * and the tokenizer lookup. Seeded corpus: seed {@value #SEED}.
 */
class DatasetIdentityCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 1207L;
    private static final String[] SHAPE = {"--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "16",
        "--vocab", "257", "--batch", "4", "--steps", "3", "--seed", "4", "--json"};

    @TempDir
    Path dir;

    /** 24 documents from two sources, a malformed line and an exact copy of document 3. */
    private Path corpus(Path file) throws IOException {
        SplittableRandom random = new SplittableRandom(SEED);
        StringBuilder jsonl = new StringBuilder();
        for (int d = 0; d < 24; d++) {
            StringBuilder doc = new StringBuilder();
            for (int w = 0; w < 12; w++) {
                doc.append(w == 0 ? "" : " ");
                for (int i = 2 + random.nextInt(6); i > 0; i--) {
                    doc.append((char) ('a' + random.nextInt(26)));
                }
            }
            ObjectNode line = JSON.createObjectNode().put("text", doc.toString());
            line.putObject("meta").put("pile_set_name", d % 4 == 0 ? "Books3" : "Pile-CC");
            jsonl.append(line).append('\n');
        }
        jsonl.append("{not json\n").append(jsonl.toString().lines().skip(3).findFirst().orElseThrow()).append('\n');
        Files.createDirectories(file.getParent());
        return Files.writeString(file, jsonl, StandardCharsets.UTF_8);
    }

    private static CliRun ok(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), String.join(" ", args) + ": " + run.err());
        return run;
    }

    private static void prepare(Path out, Path input, long seed) {
        ok("data", "prepare", "--input", input.toString(), "--out", out.toString(), "--seq-len", "32",
                "--tokenizer", "bytes", "--split", "1,0,0", "--exclude-source", "Books3", "--dedup", "exact",
                "--seed", Long.toString(seed), "--quiet");
    }

    private static Path train(Path data, Path out) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--out", out.toString(),
                "--stop-at", "2"));
        args.addAll(List.of(SHAPE));
        ok(args.toArray(String[]::new));
        return out;
    }

    private static JsonNode provenance(Path run) throws IOException {
        return JSON.readTree(ok("audit", "provenance", "--checkpoint", run.toString(), "--json").out());
    }

    /** What the dataset's own checks say of a run: provenance, the resume's dry run and the memorization audit. */
    private static void assertTheRunsData(Path run, Path dataset, String why) throws IOException {
        JsonNode p = provenance(run);
        assertTrue(p.path("dataset").path("fingerprint_matches").asBoolean(false), why + ": " + p);
        ok("train", "--resume", run.toString(), "--dry-run", "--no-measure");
        ok("audit", "memorization", "--checkpoint", run.toString(), "--dataset", dataset.toString(), "--prefix", "8",
                "--suffix", "8", "--samples", "20", "--json");
    }

    /** The probe's repro: relative path, then absolute, then moved and renamed; the run resumes on each. */
    @Test
    void theSameCorpusByAnotherPathOrMovedIsTheDataTheRunTrainedOn() throws IOException {
        Path corpus = corpus(dir.resolve("c").resolve("00.jsonl"));
        Path relative = Path.of("").toAbsolutePath().relativize(corpus);
        Path dataset = dir.resolve("ds");
        prepare(dataset, relative, SEED);
        Path run = train(dataset, dir.resolve("run"));
        String recorded = provenance(run).path("data").path("fingerprint").asText();

        prepare(dataset, corpus.toAbsolutePath(), SEED);
        JsonNode again = provenance(run).path("dataset");
        assertEquals(corpus.toAbsolutePath().toString(), again.path("inputs").path(0).path("name").asText(),
                again.toString());
        assertEquals(recorded, again.path("fingerprint").asText(), again.toString());
        assertTheRunsData(run, dataset, "prepared again from the absolute path");

        Path moved = Files.move(corpus, Files.createDirectories(dir.resolve("mnt").resolve("pile"))
                .resolve("renamed.jsonl"));
        prepare(dataset, moved, SEED);
        assertTheRunsData(run, dataset, "prepared again from the corpus moved and renamed");
        CliRun rest = ok("train", "--resume", run.toString(), "--json");
        assertTrue(rest.out().contains("\"step\":3"), rest.out());
    }

    @Test
    void theCorpusPreparedWithAnotherSeedIsStillOtherData() throws IOException {
        Path corpus = corpus(dir.resolve("c").resolve("00.jsonl"));
        Path dataset = dir.resolve("ds");
        prepare(dataset, corpus, SEED);
        Path run = train(dataset, dir.resolve("run"));
        prepare(dataset, corpus, SEED + 1);
        assertEquals(false, provenance(run).path("dataset").path("fingerprint_matches").asBoolean(true));
        CliRun refused = CliRun.of("train", "--resume", run.toString());
        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("is not the data this run trained on"), refused.err());
    }

    /**
     * Checkpoints of earlier builds recorded the digest of the compact manifest without its duration, without (before
     * 2026-12-07) or with (2026-12-07) the inputs' SHA-256, exclusions inline; computed here from the manifest.
     */
    @Test
    void aCheckpointRecordingAnEarlierBuildsFingerprintIsStillAccepted() throws Exception {
        Path corpus = corpus(dir.resolve("c").resolve("00.jsonl"));
        Path dataset = dir.resolve("ds");
        prepare(dataset, corpus, SEED);
        Path run = train(dataset, dir.resolve("run"));
        String now = provenance(run).path("data").path("fingerprint").asText();
        ObjectNode manifest = (ObjectNode) JSON.readTree(dataset.resolve("manifest.json").toFile());
        manifest.remove("prepare_seconds");
        ArrayNode inline = manifest.arrayNode();
        for (String line : Files.readAllLines(dataset.resolve("exclusions.jsonl"))) {
            inline.add(JSON.readTree(line));
        }
        manifest.set("exclusions", inline);
        String withSha256 = digest(manifest);
        manifest.withArray("inputs").forEach(input -> ((ObjectNode) input).remove("sha256"));
        String beforeSha256 = digest(manifest);
        for (String earlier : List.of(beforeSha256, withSha256)) {
            assertNotEquals(now, earlier);
            Path old = CheckpointHeaderEdit.edit(run.resolve("checkpoint.wafer"),
                    dir.resolve("old-" + earlier.substring(16, 24)).resolve("checkpoint.wafer"),
                    h -> ((ObjectNode) h.path("training").path("data")).put("fingerprint", earlier)).getParent();
            assertTheRunsData(old, dataset, "recorded " + earlier);
            // Trained before the checkpoint recorded its tokenizer: the dataset's manifest speaks for it.
            Path older = CheckpointHeaderEdit.edit(run.resolve("checkpoint.wafer"),
                    dir.resolve("older-" + earlier.substring(16, 24)).resolve("checkpoint.wafer"), h -> {
                        ObjectNode d = (ObjectNode) h.path("training").path("data");
                        d.put("fingerprint", earlier).remove(List.of("tokenizer", "tokenizer_sha256"));
                    }).getParent();
            assertEquals("the dataset's manifest", provenance(older).path("tokenizer_source").asText(), earlier);
            ok("train", "--resume", old.toString(), "--json");
        }
    }

    private static String digest(ObjectNode manifest) throws Exception {
        return "manifest-sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(JSON.writeValueAsBytes(manifest)), 0, 16);
    }
}
