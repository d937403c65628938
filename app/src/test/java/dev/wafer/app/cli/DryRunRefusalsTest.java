package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wafer train --dry-run} refuses what the real run refuses before training, in the same words: data whose
 * sequences are too short or whose vocabulary is too large, other data on a resume, a precision the backend lacks,
 * and --eval-batches that would be ignored or is negative.
 */
class DryRunRefusalsTest {
    private static final long SEED = 41;

    @TempDir
    static Path tmp;
    static Path dataset;
    static Path tokens;
    static Path otherTokens;

    @BeforeAll
    static void data() throws Exception {
        dataset = tmp.resolve("bytes16");
        StudyData.bytes16(dataset);
        tokens = tokenFile("a.bin", SEED);
        otherTokens = tokenFile("b.bin", SEED + 1);
    }

    private static Path tokenFile(String name, long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        ByteBuffer buf = ByteBuffer.allocate(2 * 2000).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 2000; i++) {
            buf.putShort((short) r.nextInt(97));
        }
        return Files.write(tmp.resolve(name), buf.array());
    }

    private static CliRun dryRun(String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--d-model", "32", "--layers", "1", "--heads", "2",
                "--batch", "2", "--dry-run", "--no-measure"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void aSequenceLongerThanTheDatasetsIsRefused() {
        TrainFlagRangesTest.assertUsageError(dryRun("--steps", "2", "--data", dataset.toString()),
                "--seq 128 exceeds the sequence length of dataset");
    }

    @Test
    void aVocabularySmallerThanTheDatasetsIsRefused() {
        TrainFlagRangesTest.assertUsageError(dryRun("--steps", "2", "--seq", "16", "--vocab", "100", "--data",
                dataset.toString()), "dataset " + dataset + " has vocabulary 257 but the model's is 100");
    }

    @Test
    void aFittingDatasetStillDryRuns() {
        CliRun run = dryRun("--steps", "2", "--seq", "16", "--vocab", "257", "--data", dataset.toString());
        assertEquals(0, run.exitCode(), run.err());
    }

    @Test
    void aResumeOnOtherDataIsRefused() {
        Path dir = tmp.resolve("run");
        CliRun first = CliRun.of("train", "--data", tokens.toString(), "--vocab", "97", "--d-model", "32", "--layers",
                "1", "--heads", "2", "--seq", "16", "--batch", "2", "--steps", "4", "--stop-at", "1", "--out",
                dir.toString(), "--json");
        assertEquals(0, first.exitCode(), first.err());
        TrainFlagRangesTest.assertUsageError(CliRun.of("train", "--resume", dir.toString(), "--data",
                otherTokens.toString(), "--dry-run", "--no-measure"), "--resume: the data at ");
        CliRun same = CliRun.of("train", "--resume", dir.toString(), "--dry-run", "--no-measure");
        assertEquals(0, same.exitCode(), same.err());
    }

    @Test
    void aPrecisionTheBackendLacksIsRefused() {
        TrainFlagRangesTest.assertUsageError(CliRun.of("train", "--backend", "opencl", "--precision", "bf16",
                "--dry-run", "--no-measure"), "--precision bf16: backend 'opencl' does not implement bf16");
    }

    @Test
    void evalBatchesThatWouldBeIgnoredOrAreNegativeAreRefused() {
        TrainFlagRangesTest.assertUsageError(dryRun("--steps", "2", "--synthetic", "--eval-batches", "5"),
                "--eval-batches 5: a run on synthetic tokens has no validation split");
        TrainFlagRangesTest.assertUsageError(dryRun("--steps", "2", "--eval-batches", "-1"),
                "--eval-batches must be >= 0, found -1");
        assertEquals(0, dryRun("--steps", "2", "--synthetic").exitCode(), "the default is no mistake");
    }

    @Test
    void noMeasureIsOnlyForTheDryRun() {
        // As --ranks: a run ignored it without a word.
        TrainFlagRangesTest.assertUsageError(CliRun.of("train", "--synthetic", "--steps", "1", "--d-model", "32",
                "--layers", "1", "--heads", "2", "--no-measure"), "--no-measure: only with --dry-run");
    }

    @Test
    void anUnmeasuredDryRunStillNamesItsBackend() throws Exception {
        // It printed "backend": null with --no-measure, even for an explicit --backend.
        for (String backend : List.of("opencl", "cpu")) {
            CliRun run = CliRun.of("train", "--backend", backend, "--synthetic", "--steps", "2", "--d-model", "32",
                    "--layers", "1", "--heads", "2", "--dry-run", "--no-measure", "--json");
            assertEquals(0, run.exitCode(), run.err());
            com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(run.out());
            assertEquals(backend, json.get("backend").asText(), run.out());
        }
    }
}
