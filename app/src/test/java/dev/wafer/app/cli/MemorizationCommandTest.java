package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code wafer audit memorization} end to end: a dataset prepared from ten documents, a model trained until it
 * overfits the training half, then the audit. The overfit model reproduces its training sequences, not the held-out
 * half; an untrained model reproduces nothing; every number is traceable to the manifest.
 */
class MemorizationCommandTest {
    private static final long SEED = 1130L;

    @TempDir
    static Path dir;
    static MemorizedModel model;

    @BeforeAll
    static void train() throws IOException {
        model = MemorizedModel.build(dir, SEED);
    }

    @Test
    void overfitModelMemorizesItsTrainingSequences() throws IOException {
        JsonNode r = model.audit(model.trained());
        String why = "seed " + SEED + ": " + r;
        assertTrue(r.path("samples").asInt() >= 8, why);
        assertTrue(r.path("memorized_fraction").asDouble() >= 0.8, why);
        assertTrue(r.path("token_match_rate").asDouble() >= 0.9, why);
        assertEquals("train", r.path("split").asText());
    }

    @Test
    void heldOutDocumentsScoreNearZero() throws IOException {
        JsonNode r = model.audit(model.trained(), "--split", "val");
        String why = "seed " + SEED + ": " + r;
        assertTrue(r.path("samples").asInt() >= 5, why);
        assertTrue(r.path("memorized_fraction").asDouble() <= 0.1, why);
        assertTrue(r.path("token_match_rate").asDouble() <= 0.3, why);
    }

    @Test
    void untrainedModelMemorizesNothing() throws IOException {
        JsonNode r = model.audit(model.untrained());
        String why = "seed " + SEED + ": " + r;
        assertEquals(0.0, r.path("memorized_fraction").asDouble(), why);
        assertTrue(r.path("token_match_rate").asDouble() <= 0.2, why);
        r.path("by_source").forEach(s -> assertEquals(0, s.path("memorized").asInt(), why));
    }

    @Test
    void sourcesAndDocumentsAreNamedFromTheManifest() throws IOException {
        JsonNode r = model.audit(model.trained(), "--top", "100");
        Map<String, JsonNode> byHash = new HashMap<>();
        for (JsonNode d : model.documents()) {
            byHash.put(d.path("hash").asText(), d);
        }
        int samples = 0;
        int memorized = 0;
        for (JsonNode s : r.path("by_source")) {
            assertTrue(List.of("Even", "Odd").contains(s.path("source").asText()), s.toString());
            samples += s.path("samples").asInt();
            memorized += s.path("memorized").asInt();
            assertEquals(s.path("memorized").asDouble() / s.path("samples").asInt(),
                    s.path("memorized_fraction").asDouble(), 1e-12);
        }
        assertEquals(r.path("samples").asInt(), samples);
        assertEquals(r.path("memorized").asInt(), memorized);
        int documentSamples = 0;
        assertFalse(r.path("top_documents").isEmpty());
        for (JsonNode d : r.path("top_documents")) {
            JsonNode entry = byHash.get(d.path("hash").asText());
            assertTrue(entry != null, "top document " + d + " is in documents.jsonl");
            assertEquals("train", entry.path("split").asText());
            assertEquals(entry.path("source").asText(), d.path("source").asText());
            assertEquals(entry.path("location").asText(), d.path("location").asText());
            documentSamples += d.path("samples").asInt();
        }
        assertEquals(r.path("samples").asInt(), documentSamples, "with --top 100 every sampled document is listed");

        JsonNode even = model.audit(model.trained(), "--source", "Even", "--top", "100");
        assertEquals(1, even.path("by_source").size(), even.toString());
        assertEquals("Even", even.path("by_source").get(0).path("source").asText());
        even.path("top_documents").forEach(d -> assertEquals("Even", d.path("source").asText()));
    }

    @Test
    void sameSeedSameResultOtherSeedOtherSample() throws IOException {
        ObjectNode a = (ObjectNode) model.audit(model.trained(), "--samples", "5", "--seed", "3", "--top", "100");
        ObjectNode b = (ObjectNode) model.audit(model.trained(), "--samples", "5", "--seed", "3", "--top", "100");
        a.remove("seconds");
        b.remove("seconds");
        assertEquals(a, b);
        assertEquals(5, a.path("samples").asInt());
        boolean differs = false;
        for (int seed = 4; seed < 12 && !differs; seed++) {
            ObjectNode c = (ObjectNode) model.audit(model.trained(), "--samples", "5", "--seed", "" + seed,
                    "--top", "100");
            differs = !c.path("top_documents").equals(a.path("top_documents"));
        }
        assertTrue(differs, "another seed samples other sequences");
    }

    @Test
    void textsAreReportedSeparatelyAndNamedByContentHash() throws IOException {
        JsonNode first = model.documents().stream().filter(d -> d.path("location").asText().endsWith(":1"))
                .findFirst().orElseThrow();
        Path text = dir.resolve("mine.txt");
        Files.writeString(text, model.texts().get(0), StandardCharsets.UTF_8);
        Path other = dir.resolve("other.txt");
        Files.writeString(other, "an unrelated text of my own, long enough for a few windows of sixteen bytes",
                StandardCharsets.UTF_8);
        JsonNode r = model.audit(model.trained(), "--text", text.toString(), "--text", other.toString());
        assertEquals(2, r.path("texts").size(), r.toString());
        JsonNode mine = r.path("texts").get(0);
        assertEquals(text.toString(), mine.path("file").asText());
        assertEquals(first.path("hash").asText(), mine.path("hash").asText(), "normalised and hashed as prepare does");
        assertEquals(first.path("tokens").asInt(), mine.path("tokens").asInt(), "tokenized as prepare does");
        assertEquals(Math.min(1000, mine.path("tokens").asInt() - 16 + 1), mine.path("samples").asInt(),
                "every window when there are fewer than --samples");
        JsonNode unrelated = r.path("texts").get(1);
        assertEquals(0.0, unrelated.path("memorized_fraction").asDouble(), "seed " + SEED + ": " + unrelated);
        assertNotEquals(mine.path("hash"), unrelated.path("hash"));
    }

    @Test
    void humanReadableReportNamesSourcesAndDocuments() {
        String out = MemorizedModel.run("audit", "memorization", "--checkpoint", model.trained().toString(),
                "--dataset", model.dataset().toString(), "--prefix", "8", "--suffix", "8");
        assertTrue(out.contains("Extractable memorization, train split"), out);
        assertTrue(out.contains("Even") && out.contains("Odd"), out);
        assertTrue(out.contains("Most memorized documents:"), out);
        assertTrue(out.contains("docs.jsonl:"), out);
    }

    @Test
    void badFlagsAreOneLineErrors() throws IOException {
        String ck = model.trained().toString();
        String ds = model.dataset().toString();
        expectError("needs 47 positions (P + S - 1) but the model in", "audit", "memorization", "--checkpoint", ck,
                "--dataset", ds, "--prefix", "40", "--suffix", "8");
        expectError("= 33 tokens but --dataset " + ds + " packs rows of 32", "audit", "memorization", "--checkpoint",
                ck, "--dataset", ds, "--prefix", "20", "--suffix", "13");
        expectError("--split test: dataset " + ds + " has no test sequences", "audit", "memorization",
                "--checkpoint", ck, "--dataset", ds, "--split", "test", "--prefix", "8", "--suffix", "8");
        expectError("--split dev: expected train, val or test", "audit", "memorization", "--checkpoint", ck,
                "--dataset", ds, "--split", "dev", "--prefix", "8", "--suffix", "8");
        expectError("--source Books3: dataset " + ds + " has no such source; its sources are Even, Odd", "audit",
                "memorization", "--checkpoint", ck, "--dataset", ds, "--source", "Books3", "--prefix", "8",
                "--suffix", "8");
        expectError("--samples must be >= 1, found 0", "audit", "memorization", "--checkpoint", ck, "--dataset", ds,
                "--samples", "0");
        // P + S once wrapped past 2^31 - 1 and slipped past the length checks into an internal error.
        expectError("--prefix 2147483647 + --suffix 8 is more tokens than any model or dataset row holds", "audit",
                "memorization", "--checkpoint", ck, "--dataset", ds, "--prefix", "2147483647", "--suffix", "8");
        expectError("--tokenizer " + dir.resolve("t.json") + " tokenizes --text files only", "audit", "memorization",
                "--checkpoint", ck, "--dataset", ds, "--prefix", "8", "--suffix", "8", "--tokenizer",
                dir.resolve("t.json").toString());
        expectError("--text " + dir.resolve("missing.txt") + ": no such file", "audit", "memorization",
                "--checkpoint", ck, "--dataset", ds, "--prefix", "8", "--suffix", "8", "--text",
                dir.resolve("missing.txt").toString());
        Path tiny = dir.resolve("tiny.txt");
        Files.writeString(tiny, "short", StandardCharsets.UTF_8);
        expectError("--text " + tiny + ": 5 tokens, fewer than the 16 of --prefix + --suffix", "audit",
                "memorization", "--checkpoint", ck, "--dataset", ds, "--prefix", "8", "--suffix", "8", "--text",
                tiny.toString());
        Path gpt2 = dir.resolve("gpt2-dataset");
        MemorizedModel.run("data", "prepare", "--input", dir.resolve("docs.jsonl").toString(), "--out",
                gpt2.toString(), "--seq-len", "32", "--split", "0.5,0.5,0", "--quiet");
        expectError("has a vocabulary of 257 but --dataset " + gpt2 + " was tokenized with gpt2-r50k (50257 ids)",
                "audit", "memorization", "--checkpoint", ck, "--dataset", gpt2.toString(), "--prefix", "8",
                "--suffix", "8");
        // A model whose vocabulary covers the audited ids but which learned another tokenizer's: it would read the
        // byte ids as other words and report "0% memorized"; refused, naming both tokenizers (issue #22).
        Path gpt2Model = dir.resolve("gpt2-model");
        MemorizedModel.run("train", "--data", gpt2.toString(), "--d-model", "32", "--layers", "1", "--heads", "2",
                "--seq", "32", "--batch", "2", "--steps", "1", "--out", gpt2Model.toString(), "--json");
        expectError("tokenized with gpt2-r50k, but --dataset " + ds + " was tokenized with bytes-utf8", "audit",
                "memorization", "--checkpoint", gpt2Model.toString(), "--dataset", ds, "--prefix", "8", "--suffix",
                "8");
    }

    /** A --batch larger than the samples decodes the samples (it once allocated the whole batch and failed). */
    @Test
    void aBatchLargerThanTheSamplesDecodesTheSamples() {
        CliRun r = CliRun.of("audit", "memorization", "--checkpoint", model.trained().toString(), "--dataset",
                model.dataset().toString(), "--prefix", "8", "--suffix", "8", "--samples", "3", "--batch",
                "2147483647", "--json");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("\"samples\""), r.out());
    }

    /**
     * A --source that data prepare excluded is named as such, not as "the split's last row is never trained on".
     */
    @Test
    void aSourceExcludedByPrepareIsSaidToBeExcluded() {
        Path ds = dir.resolve("without-odd");
        MemorizedModel.run("data", "prepare", "--input", dir.resolve("docs.jsonl").toString(), "--out",
                ds.toString(), "--seq-len", "32", "--tokenizer", "bytes", "--split", "0.5,0.5,0", "--exclude-source",
                "Odd", "--quiet");
        Path ck = dir.resolve("without-odd-ck");
        MemorizedModel.run("train", "--data", ds.toString(), "--steps", "1", "--lr", "1e-12", "--warmup", "0",
                "--out", ck.toString(), "--json", "--d-model", "64", "--layers", "2", "--heads", "4", "--seq", "32",
                "--vocab", "257", "--batch", "8", "--seed", "1");
        expectError("--dataset " + ds + " holds no document of --source Odd: data prepare excluded it"
                + " (--exclude-source Odd, as the manifest records)", "audit", "memorization", "--checkpoint",
                ck.toString(), "--dataset", ds.toString(), "--source", "Odd", "--prefix", "8", "--suffix", "8");
    }

    private static void expectError(String message, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(WaferCommand.USAGE_ERROR, r.exitCode(), String.join(" ", args) + ": " + r.err());
        assertTrue(r.err().contains(message), "expected '" + message + "' in: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }
}
