package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What shows a checkpoint's recorded data (until 2026-12-07 nothing did): {@code audit provenance}, the data rows of
 * {@code train --resume --dry-run}, and {@code audit memorization --json}'s fingerprints; and the note a run gives
 * when its dataset's rows are longer than {@code --seq} (until then their tails went untrained silently).
 */
class ProvenanceCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 913L;

    @TempDir
    static Path dir;
    static Path dataset;
    static Path trained;
    static CliRun training;

    private static String corpus(long seed, String source) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder jsonl = new StringBuilder();
        for (int d = 0; d < 24; d++) {
            StringBuilder doc = new StringBuilder();
            for (int w = 0; w < 12; w++) {
                doc.append(w == 0 ? "" : " ");
                for (int i = 2 + random.nextInt(6); i > 0; i--) {
                    doc.append((char) ('a' + random.nextInt(26)));
                }
            }
            var line = JSON.createObjectNode().put("text", doc.toString());
            line.putObject("meta").put("pile_set_name", d % 4 == 0 ? "Books3" : source);
            jsonl.append(line).append('\n');
        }
        return jsonl.toString();
    }

    private static void prepare(Path out, long seed) throws IOException {
        Path input = dir.resolve("docs-" + seed + ".jsonl");
        Files.writeString(input, corpus(seed, "Pile-CC"), StandardCharsets.UTF_8);
        MemorizedModel.run("data", "prepare", "--input", input.toString(), "--out", out.toString(), "--seq-len",
                "32", "--tokenizer", "bytes", "--split", "1,0,0", "--exclude-source", "Books3", "--quiet");
    }

    @BeforeAll
    static void train() throws IOException {
        dataset = dir.resolve("dataset");
        prepare(dataset, SEED);
        trained = dir.resolve("trained");
        training = CliRun.of("train", "--data", dataset.toString(), "--out", trained.toString(), "--d-model", "32",
                "--layers", "1", "--heads", "2", "--seq", "16", "--vocab", "257", "--batch", "4", "--steps", "3",
                "--stop-at", "2", "--seed", "4", "--json");
        assertEquals(0, training.exitCode(), training.err());
    }

    private static CliRun ok(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run.err());
        return run;
    }

    private static String fingerprint() throws IOException {
        return JSON.readTree(ok("audit", "provenance", "--checkpoint", trained.toString(), "--json").out())
                .path("data").path("fingerprint").asText();
    }

    @Test
    void aRunOnRowsLongerThanSeqSaysTheirTailsAreNotTrained() {
        assertTrue(training.err().contains("the dataset's rows hold 32 tokens and --seq is 16: the run trains on the"
                + " first 16 tokens of each row; the other 16 of each row are never trained on"), training.err());
    }

    @Test
    void provenanceShowsTheRecordedDataAndChecksTheDatasetThere() throws Exception {
        JsonNode r = JSON.readTree(ok("audit", "provenance", "--checkpoint", trained.toString(), "--json").out());
        assertEquals(dataset.toString(), r.path("data").path("path").asText(), r.toString());
        assertTrue(r.path("data").path("fingerprint").asText().startsWith("manifest-sha256:"), r.toString());
        assertEquals(2, r.path("training").path("step").asLong());
        assertEquals(128, r.path("training").path("tokens").asLong());
        assertEquals(16, r.path("training").path("seq_length").asInt());
        assertEquals(4, r.path("training").path("seed").asLong());
        assertEquals("fp32", r.path("training").path("precision").asText());
        assertEquals("bytes-utf8", r.path("tokenizer").asText());
        JsonNode ds = r.path("dataset");
        assertTrue(ds.path("found").asBoolean(), ds.toString());
        assertTrue(ds.path("fingerprint_matches").asBoolean(), ds.toString());
        assertEquals("Books3", ds.path("exclude_sources").get(0).asText(), ds.toString());
        assertEquals(32, ds.path("row_length").asInt());
        Path input = dir.resolve("docs-" + SEED + ".jsonl");
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(input)));
        assertEquals(input.toString(), ds.path("inputs").path(0).path("name").asText(), ds.toString());
        assertEquals(sha, ds.path("inputs").path(0).path("sha256").asText(), ds.toString());
        String text = ok("audit", "provenance", "--checkpoint", trained.toString()).out();
        assertTrue(text.contains(input + " (sha256 " + sha + ")"), text);
        assertTrue(text.contains("excluded sources: Books3"), text);
        assertTrue(text.contains("matches"), text);
    }

    /**
     * Provenance reads and verifies the header only (until 2026-12-07 it read and checksummed every tensor, some 156 GB
     * for a 13B training checkpoint): damaged or missing tensor data does not hide the record, a damaged header does.
     */
    @Test
    void provenanceReadsTheHeaderAloneAndRefusesADamagedOne() throws IOException {
        byte[] bytes = Files.readAllBytes(trained.resolve("checkpoint.wafer"));
        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x55; // deep in the tensor data
        Path tensorFlip = Files.write(dir.resolve("tensor-flip.wafer"), flipped);
        CliRun flip = ok("audit", "provenance", "--checkpoint", tensorFlip.toString(), "--json");
        assertEquals(2, JSON.readTree(flip.out()).path("training").path("step").asLong(), flip.out());
        // Cut inside the tensors: reading any of them, or the footer, would refuse it as truncated.
        Path cut = Files.write(dir.resolve("cut.wafer"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        CliRun shortRun = ok("audit", "provenance", "--checkpoint", cut.toString());
        assertTrue(shortRun.out().contains(dataset.toString()), shortRun.out());
        byte[] header = bytes.clone();
        header[40] ^= 0x10; // inside the header JSON
        Path headerFlip = Files.write(dir.resolve("header-flip.wafer"), header);
        CliRun refused = CliRun.of("audit", "provenance", "--checkpoint", headerFlip.toString());
        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("header checksum mismatch"), refused.err());
    }

    @Test
    void aDatasetPreparedAgainInPlaceIsNotTheRecordedData() throws IOException {
        Path data = dir.resolve("replaced");
        prepare(data, SEED);
        Path run = dir.resolve("run-on-replaced");
        ok("train", "--data", data.toString(), "--out", run.toString(), "--d-model", "32", "--layers", "1",
                "--heads", "2", "--seq", "32", "--vocab", "257", "--batch", "4", "--steps", "1", "--json");
        Path other = dir.resolve("other");
        prepare(other, SEED + 1);
        try (var files = Files.walk(data)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
        Files.move(other, data);
        JsonNode r = JSON.readTree(ok("audit", "provenance", "--checkpoint", run.toString(), "--json").out());
        assertEquals(false, r.path("dataset").path("fingerprint_matches").asBoolean(true), r.toString());
        String text = ok("audit", "provenance", "--checkpoint", run.toString()).out();
        assertTrue(text.contains("DIFFERS from the recorded one"), text);
    }

    @Test
    void resumeDryRunAndMemorizationJsonNameTheDataFingerprint() throws IOException {
        String recorded = fingerprint();
        CliRun dry = ok("train", "--resume", trained.toString(), "--dry-run", "--no-measure", "--json");
        JsonNode d = JSON.readTree(dry.out());
        assertEquals(dataset.toString(), d.path("data_path").asText(), dry.out());
        assertEquals(recorded, d.path("data_fingerprint").asText(), dry.out());
        CliRun table = ok("train", "--resume", trained.toString(), "--dry-run", "--no-measure");
        assertTrue(table.out().contains(recorded), table.out());
        JsonNode audit = JSON.readTree(ok("audit", "memorization", "--checkpoint", trained.toString(), "--dataset",
                dataset.toString(), "--prefix", "8", "--suffix", "8", "--samples", "20", "--json").out());
        assertEquals(recorded, audit.path("dataset_fingerprint").asText(), audit.toString());
        assertEquals(recorded, audit.path("checkpoint_data_fingerprint").asText(), audit.toString());
    }

    /**
     * The checkpoint itself records its data's tokenizer: once the dataset is gone, a byte-tokenized model with a
     * vocabulary other than 257 is still read with bytes (it used to fall back to GPT-2 and be refused).
     */
    @Test
    void theCheckpointRecordsItsTokenizerSoItOutlivesTheDataset() throws IOException {
        Path data = dir.resolve("short-lived");
        prepare(data, SEED + 7);
        Path run = dir.resolve("run-of-short-lived");
        ok("train", "--data", data.toString(), "--out", run.toString(), "--d-model", "32", "--layers", "1",
                "--heads", "2", "--seq", "32", "--vocab", "300", "--batch", "4", "--steps", "1", "--json");
        try (var files = Files.walk(data)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
        JsonNode r = JSON.readTree(ok("audit", "provenance", "--checkpoint", run.toString(), "--json").out());
        assertEquals("bytes-utf8", r.path("tokenizer").asText(), r.toString());
        assertEquals("recorded in the checkpoint", r.path("tokenizer_source").asText(), r.toString());
        CliRun generate = ok("generate", "--checkpoint", run.toString(), "--prompt", "hello", "--max-tokens", "3",
                "--temperature", "0");
        // Three byte tokens: at most three characters (GPT-2 refused this 300-id model outright).
        assertTrue(generate.out().strip().codePoints().count() <= 3, generate.out());
        Path hf = dir.resolve("hf-of-short-lived");
        ok("export-hf", "--checkpoint", run.toString(), "--out", hf.toString());
        JsonNode config = JSON.readTree(hf.resolve("config.json").toFile());
        assertEquals("bytes-utf8", config.path("wafer_provenance").path("tokenizer").asText(), config.toString());
    }
    /**
     * A byte-tokenized model with train's default 50,257 ids ends text with 256: export-hf writes that id (until
     * 2026-12-07 50256, from the vocabulary size alone), import-hf accepts it (it refused it, saying the model had a
     * tokenizer of its own) and refuses 50256, and eval and generate read the imported model's text as bytes.
     */
    @Test
    void aByteModelWithTheDefaultVocabularyExportsAndImportsItsOwnEndOfText() throws IOException {
        Path run = dir.resolve("bytes-default-vocab");
        ok("train", "--data", dataset.toString(), "--out", run.toString(), "--d-model", "32", "--layers", "1",
                "--heads", "2", "--seq", "16", "--batch", "4", "--steps", "1", "--json");
        Path hf = dir.resolve("hf-bytes-default-vocab");
        ok("export-hf", "--checkpoint", run.toString(), "--out", hf.toString());
        JsonNode config = JSON.readTree(hf.resolve("config.json").toFile());
        assertEquals(50257, config.path("vocab_size").asInt(), config.toString());
        assertEquals(256, config.path("eos_token_id").asInt(), config.toString());
        assertEquals(256, config.path("bos_token_id").asInt(), config.toString());
        Path imported = dir.resolve("bytes-default-vocab.wafer");
        ok("import-hf", "--from", hf.toString(), "--out", imported.toString());
        JsonNode r = JSON.readTree(ok("audit", "provenance", "--checkpoint", imported.toString(), "--json").out());
        assertEquals("bytes-utf8", r.path("tokenizer").asText(), r.toString());
        // 11 ASCII bytes and end-of-text are 12 byte tokens: 2 windows of 4 (GPT-2 gives 3 tokens, too few for one).
        Path text = Files.writeString(dir.resolve("hello.txt"), "hello world");
        JsonNode eval = JSON.readTree(ok("eval", "--checkpoint", imported.toString(), "--data", text.toString(),
                "--seq", "4", "--json").out());
        assertEquals(2, eval.path("windows").asInt(), eval.toString());
        CliRun generate = ok("generate", "--checkpoint", imported.toString(), "--prompt", "hello", "--max-tokens",
                "3", "--temperature", "0");
        assertTrue(generate.out().strip().codePoints().count() <= 3, generate.out());
        ((com.fasterxml.jackson.databind.node.ObjectNode) config).put("eos_token_id", 50256);
        JSON.writeValue(hf.resolve("config.json").toFile(), config);
        CliRun refused = CliRun.of("import-hf", "--from", hf.toString(), "--out", dir.resolve("wrong.wafer").toString());
        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("eos_token_id is 50256, but its wafer_provenance records tokenizer"
                + " bytes-utf8, whose end-of-text is 256"), refused.err());
    }
    /**
     * The embedded sample records a kind and fingerprint but no path: audit provenance checks its prepared copy in the
     * cache (until 2026-12-07 "not checked: no path recorded"), and audit memorization on other data names it and
     * that copy (it said "its dataset is not recorded").
     */
    @Test
    void aSampleTrainedModelIsCheckedAgainstTheSamplesPreparedCopy() throws IOException {
        Path cached = dev.wafer.formats.data.SampleDataset.ensure(dev.wafer.formats.data.SampleDataset
                .defaultCacheRoot(), 32, dev.wafer.formats.data.Progress.NONE);
        Path run = dir.resolve("on-the-sample");
        ok("train", "--out", run.toString(), "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "32",
                "--batch", "4", "--steps", "1", "--json");
        JsonNode r = JSON.readTree(ok("audit", "provenance", "--checkpoint", run.toString(), "--json").out());
        JsonNode ds = r.path("dataset");
        assertTrue(ds.path("found").asBoolean(), r.toString());
        assertEquals(cached.toString(), ds.path("path").asText(), r.toString());
        assertTrue(ds.path("fingerprint_matches").asBoolean(), r.toString());
        CliRun other = CliRun.of("audit", "memorization", "--checkpoint", run.toString(), "--dataset",
                dataset.toString(), "--prefix", "8", "--suffix", "8", "--samples", "4");
        assertEquals(2, other.exitCode(), other.err());
        assertTrue(other.err().contains("was trained on the embedded sample, tokenized with gpt2-r50k, but --dataset "
                + dataset + " was tokenized with bytes-utf8") && other.err().contains("the sample is prepared at "
                + cached + ": pass --dataset " + cached), other.err());
        // A sequence length whose sample is not prepared: where it would be and how to prepare it.
        assertEquals("the sample is not prepared at " + TrainedSample.directory(7919) + ": `wafer train --seq 7919`"
                + " without --data prepares it there (or set WAFER_CACHE to the cache the run was trained with)",
                TrainedSample.where(7919));
    }
}
