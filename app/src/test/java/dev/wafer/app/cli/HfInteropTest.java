package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.domain.model.ParameterName;
import dev.wafer.domain.param.MupHyperparameters;
import dev.wafer.formats.checkpoint.FileCheckpointStore;
import dev.wafer.formats.hf.Gpt2Checkpoint;
import dev.wafer.formats.hf.Gpt2HfDirectory;
import dev.wafer.formats.fixtures.FixtureFiles;
import dev.wafer.adapters.cpu.CpuBackend;
import dev.wafer.formats.hf.SafetensorsEntry;
import dev.wafer.formats.hf.SafetensorsReader;
import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.ports.compute.TensorScope;

/**
 * Hugging Face interop against tiny GPT-2s written by PyTorch ({@code hf-fixture/make_fixture.py}, torch 1.13, with
 * GPT2LMHeadModel's forward): imported, Wafer computes torch's logits and loss; exported again, the files hold the
 * tensors torch wrote, bit for bit.
 */
class HfInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Both sides compute in float32 with different reduction orders; observed differences are around 1e-6 of the
     * logits' scale. 1e-4 relative (and absolute below 1) is the conformance suite's order for a whole forward.
     */
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path tmp;

    static Path fixture(String name) {
        return FixtureFiles.directory("hf-fixture/" + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-gpt2", "tiny-gpt2-mup", "tiny-gpt2-torch"})
    void importedModelGivesTorchsLogitsAndLoss(String name) throws IOException {
        Path ckpt = tmp.resolve(name + ".wafer");
        CliRun run = CliRun.of("import-hf", "--from", fixture(name).toString(), "--out", ckpt.toString());
        assertEquals(0, run.exitCode(), run.err());
        CheckpointedModel model = CheckpointedModel.read(new FileCheckpointStore(), "--checkpoint", ckpt);
        assertEquals(name.endsWith("mup") ? ParameterisationKind.MUP : ParameterisationKind.SP, model.kind());
        // tiny-gpt2-torch is tiny-gpt2's model saved by torch.save as pytorch_model.bin (make_torch_fixture.py).
        JsonNode expected = JSON.readTree(fixture(name.replace("-torch", "")).resolve("expected.json").toFile());
        int b = expected.get("tokens").size();
        int t = expected.get("tokens").get(0).size();
        int[] tokens = new int[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                tokens[i * t + j] = expected.get("tokens").get(i).get(j).asInt();
            }
        }
        int v = model.shape().vocabSize();
        try (CpuBackend backend = new CpuBackend(2, true); TensorScope scope = backend.openScope()) {
            GptModel gpt = new GptModel(backend, scope, model.shape(), model.parameterisation(), b, t);
            model.copyInto(gpt.parameters());
            float[] logits = gpt.logits(tokens);
            float scale = model.parameterisation().outputLogitMultiplier();
            double worst = 0;
            for (int i = 0; i < logits.length; i++) {
                double want = expected.get("logits").get(i).asDouble();
                double got = (double) logits[i] * scale;
                worst = Math.max(worst, Math.abs(got - want) / Math.max(1, Math.abs(want)));
            }
            assertTrue(worst < TOLERANCE, name + ": worst relative logit difference " + worst);
            // HF's loss: mean cross-entropy of positions 0..t-2 predicting the next token.
            double nats = 0;
            for (int s = 0; s < b; s++) {
                for (int p = 0; p < t - 1; p++) {
                    int row = (s * t + p) * v;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < v; k++) {
                        max = Math.max(max, (double) logits[row + k] * scale);
                    }
                    double sum = 0;
                    for (int k = 0; k < v; k++) {
                        sum += Math.exp((double) logits[row + k] * scale - max);
                    }
                    nats += max + Math.log(sum) - (double) logits[row + tokens[s * t + p + 1]] * scale;
                }
            }
            double loss = nats / (b * (t - 1));
            assertEquals(expected.get("loss").asDouble(), loss, TOLERANCE * Math.max(1, loss), name);
        }
    }

    @Test
    void exportOfAnImportedSpModelIsTheTorchFileBitForBit() {
        Path ckpt = tmp.resolve("sp.wafer");
        assertEquals(0, CliRun.of("import-hf", "--from", fixture("tiny-gpt2").toString(), "--out", ckpt.toString()).exitCode());
        Path out = tmp.resolve("exported");
        CliRun run = CliRun.of("export-hf", "--checkpoint", ckpt.toString(), "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        try (SafetensorsReader torch = SafetensorsReader.open(fixture("tiny-gpt2").resolve("model.safetensors"));
                SafetensorsReader wafer = SafetensorsReader.open(out.resolve("model.safetensors"))) {
            int compared = 0;
            for (SafetensorsEntry e : torch.entries()) {
                if (e.name().matches(".*\\.h\\.\\d+\\.attn\\.bias")) {
                    continue; // the causal-mask buffer is not a parameter and is not exported
                }
                assertArrayEquals(e.intShape(), wafer.entry(e.name()).intShape(), e.name());
                assertArrayEquals(torch.readFloats(e.name()), wafer.readFloats(e.name()), e.name());
                compared++;
            }
            assertEquals(compared, wafer.entries().size());
        }
    }

    /**
     * export-hf never silently replaces a model: an --out holding config.json or model.safetensors needs
     * --overwrite, and one holding weights it would not replace (a shard index) is refused even then.
     */
    @Test
    void exportRefusesToReplaceAModelUnlessAsked() throws IOException {
        Path ckpt = tmp.resolve("sp2.wafer");
        assertEquals(0, CliRun.of("import-hf", "--from", fixture("tiny-gpt2").toString(), "--out", ckpt.toString()).exitCode());
        Path out = tmp.resolve("again");
        assertEquals(0, CliRun.of("export-hf", "--checkpoint", ckpt.toString(), "--out", out.toString()).exitCode());
        byte[] first = Files.readAllBytes(out.resolve("model.safetensors"));
        CliRun again = CliRun.of("export-hf", "--checkpoint", ckpt.toString(), "--out", out.toString());
        assertEquals(2, again.exitCode(), again.err());
        assertTrue(again.err().contains("already holds a model (config.json, model.safetensors)")
                && again.err().contains("--overwrite") && again.err().strip().lines().count() == 1, again.err());
        CliRun replaced = CliRun.of("export-hf", "--checkpoint", ckpt.toString(), "--out", out.toString(),
                "--overwrite");
        assertEquals(0, replaced.exitCode(), replaced.err());
        assertArrayEquals(first, Files.readAllBytes(out.resolve("model.safetensors")));
        Files.writeString(out.resolve("model.safetensors.index.json"), "{}");
        CliRun stale = CliRun.of("export-hf", "--checkpoint", ckpt.toString(), "--out", out.toString(),
                "--overwrite");
        assertEquals(2, stale.exitCode(), stale.err());
        assertTrue(stale.err().contains("model.safetensors.index.json") && stale.err().contains("empty directory"),
                stale.err());
    }

    /**
     * A folder with its own tokenizer imported silently and generate then used GPT-2's, stopping at 50256; an
     * eos_token_id other than Wafer's or a tokenizer.json other than GPT-2's is now refused, naming it.
     */
    @Test
    void aModelWithItsOwnTokenizerIsRefused() throws IOException {
        Path own = Files.createDirectory(tmp.resolve("own-eos"));
        Files.copy(fixture("tiny-gpt2").resolve("model.safetensors"), own.resolve("model.safetensors"));
        com.fasterxml.jackson.databind.node.ObjectNode config =
                (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(fixture("tiny-gpt2").resolve("config.json").toFile());
        config.put("eos_token_id", 1).put("bos_token_id", 1);
        JSON.writeValue(own.resolve("config.json").toFile(), config);
        CliRun eos = CliRun.of("import-hf", "--from", own.toString(), "--out", tmp.resolve("own.wafer").toString());
        assertEquals(2, eos.exitCode(), eos.err());
        assertTrue(eos.err().contains(own.resolve("config.json") + ": eos_token_id is 1, but")
                && eos.err().contains("GPT-2's tokenizer") && eos.err().strip().lines().count() == 1, eos.err());
        assertFalse(Files.exists(tmp.resolve("own.wafer")));

        config.remove("eos_token_id");
        config.remove("bos_token_id");
        JSON.writeValue(own.resolve("config.json").toFile(), config);
        Files.writeString(own.resolve("tokenizer.json"), "{\"model\": {\"type\": \"WordLevel\", \"vocab\":"
                + " {\"[UNK]\": 0, \"</s>\": 1}}}");
        CliRun tok = CliRun.of("import-hf", "--from", own.toString(), "--out", tmp.resolve("own.wafer").toString());
        assertEquals(2, tok.exitCode(), tok.err());
        assertTrue(tok.err().contains(own.resolve("tokenizer.json") + " is not GPT-2's tokenizer (2 ids"), tok.err());

        // GPT-2's own vocabulary (its ids checked, the rest stand-ins) imports.
        StringBuilder vocab = new StringBuilder("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"!\": 0");
        for (int i = 1; i < 50256; i++) {
            vocab.append(", \"").append(i == 262 ? "\u0120the" : "t" + i).append("\": ").append(i);
        }
        Files.writeString(own.resolve("tokenizer.json"), vocab.append(", \"<|endoftext|>\": 50256}}}"));
        CliRun gpt2 = CliRun.of("import-hf", "--from", own.toString(), "--out", tmp.resolve("own.wafer").toString());
        assertEquals(0, gpt2.exitCode(), gpt2.err());
    }

    @Test
    void mupExportIsPlainGpt2AndRefusesToReimportAsTied() throws IOException {
        Path ckpt = tmp.resolve("mup.wafer");
        assertEquals(0, CliRun.of("import-hf", "--from", fixture("tiny-gpt2-mup").toString(), "--out", ckpt.toString()).exitCode());
        Path out = tmp.resolve("folded");
        CliRun run = CliRun.of("export-hf", "--checkpoint", ckpt.toString(), "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonNode config = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals("gpt2", config.get("model_type").asText());
        assertFalse(config.has("mup_width_scale"));
        assertFalse(config.get("tie_word_embeddings").asBoolean());
        CliRun back = CliRun.of("import-hf", "--from", out.toString(), "--out", tmp.resolve("x.wafer").toString());
        assertEquals(2, back.exitCode());
        assertTrue(back.err().contains("tie_word_embeddings is false"), back.err());
        assertTrue(back.err().contains("as in a muP model folded into plain GPT-2 by export-hf"), back.err());
        assertFalse(back.err().contains("differs"), back.err());
    }

    /**
     * A btlm-style config with the m_emb a muP search found (33.5) imports as a muP checkpoint with that m_emb, and
     * exports folded with it (wte x 33.5); until 2026-12-07 import refused it ("is not Wafer's 10.0") and export-hf
     * refused every muP checkpoint whose m_emb was not 10. Gpt2ConversionTest checks both directions' logits.
     */
    @Test
    void aMupModelWithAnyEmbeddingMultiplierImportsAndExports() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("m_emb-33.5"));
        String config = Files.readString(fixture("tiny-gpt2-mup").resolve("config.json"));
        assertTrue(config.contains("\"mup_embeddings_scale\": 10.0"), config);
        Files.writeString(dir.resolve("config.json"), config.replace("\"mup_embeddings_scale\": 10.0",
                "\"mup_embeddings_scale\": 33.5"));
        Files.copy(fixture("tiny-gpt2-mup").resolve("model.safetensors"), dir.resolve("model.safetensors"));
        Path ckpt = tmp.resolve("m_emb.wafer");
        CliRun imported = CliRun.of("import-hf", "--from", dir.toString(), "--out", ckpt.toString());
        assertEquals(0, imported.exitCode(), imported.err());
        CheckpointedModel model = CheckpointedModel.read(new FileCheckpointStore(), "--checkpoint", ckpt);
        assertEquals(ParameterisationKind.MUP, model.kind());
        assertEquals(new MupHyperparameters(MupHyperparameters.PAPER.baseLearningRate(),
                MupHyperparameters.PAPER.initStd(), 33.5), model.mup());
        assertEquals(33.5f, model.parameterisation().embeddingMultiplier());
        Path out = tmp.resolve("folded-33.5");
        CliRun exported = CliRun.of("export-hf", "--checkpoint", ckpt.toString(), "--out", out.toString());
        assertEquals(0, exported.exitCode(), exported.err());
        Gpt2Checkpoint folded = Gpt2HfDirectory.read(out);
        for (ParameterName p : new ParameterName[] {ParameterName.WTE, ParameterName.WPE}) {
            float[] want = model.params().get(p).clone();
            for (int i = 0; i < want.length; i++) {
                want[i] *= 33.5f;
            }
            String name = p == ParameterName.WTE ? "transformer.wte.weight" : "transformer.wpe.weight";
            assertArrayEquals(want, folded.tensor(name).data(), name + " is the checkpoint's x m_emb 33.5");
        }
    }

    /** {@code --out DIR/} with DIR missing is a folder holding the checkpoint (it wrote a file named DIR). */
    @Test
    void anOutWithATrailingSlashIsAFolder() {
        Path dir = tmp.resolve("slash-out");
        CliRun run = CliRun.of("import-hf", "--from", fixture("tiny-gpt2").toString(), "--out", dir + "/");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Files.isDirectory(dir), "a folder");
        assertTrue(Files.isRegularFile(dir.resolve("checkpoint.wafer")));
        assertTrue(run.out().contains(dir.resolve("checkpoint.wafer").toString()), run.out());
    }

    @Test
    void importOntoATrainingRunIsRefusedWithoutOverwriteAndWhileTheRunHoldsIt() throws IOException {
        Path run = tmp.resolve("run");
        CliRun train = CliRun.of("train", "--synthetic", "--d-model", "32", "--layers", "1", "--heads", "2", "--seq",
                "16", "--batch", "2", "--vocab", "512", "--steps", "2", "--out", run.toString());
        assertEquals(0, train.exitCode(), train.err());
        Path ckpt = run.resolve("checkpoint.wafer");
        byte[] trained = Files.readAllBytes(ckpt);
        for (Path out : new Path[] {run, ckpt}) {
            CliRun refused = CliRun.of("import-hf", "--from", fixture("tiny-gpt2").toString(), "--out", out.toString());
            assertEquals(2, refused.exitCode(), refused.err());
            assertEquals(1, refused.err().strip().lines().count(), refused.err());
            assertTrue(refused.err().startsWith("wafer: --out " + ckpt) && refused.err().contains("--overwrite"),
                    refused.err());
            assertArrayEquals(trained, Files.readAllBytes(ckpt));
        }
        // A running 'wafer train' holds the directory's lock: not even --overwrite replaces its checkpoint.
        try (var channel = java.nio.channels.FileChannel.open(run.resolve(".wafer-train.lock"),
                java.nio.file.StandardOpenOption.WRITE); var lock = channel.lock()) {
            CliRun busy = CliRun.of("import-hf", "--from", fixture("tiny-gpt2").toString(), "--out", run.toString(),
                    "--overwrite");
            assertEquals(2, busy.exitCode(), busy.err());
            assertTrue(busy.err().contains("in use"), busy.err());
            assertArrayEquals(trained, Files.readAllBytes(ckpt));
        }
        CliRun replaced = CliRun.of("import-hf", "--from", fixture("tiny-gpt2").toString(), "--out", run.toString(),
                "--overwrite");
        assertEquals(0, replaced.exitCode(), replaced.err());
        assertFalse(java.util.Arrays.equals(trained, Files.readAllBytes(ckpt)));
    }

    @Test
    void picklesAndBrokenDirectoriesAreRefusedInOneLine() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("pickle"));
        Files.copy(fixture("tiny-gpt2").resolve("config.json"), dir.resolve("config.json"));
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        CliRun run = CliRun.of("import-hf", "--from", dir.toString(), "--out", tmp.resolve("p.wafer").toString());
        assertEquals(2, run.exitCode());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("pytorch_model.bin: a pickle without a zip archive around it"), run.err());
        run = CliRun.of("import-hf", "--from", dir.resolve("pytorch_model.bin").toString(), "--out", tmp.resolve("p.wafer").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("not a file: pass the folder that holds it"), run.err());
        Path code = Files.createDirectories(tmp.resolve("runs-code"));
        Files.copy(fixture("tiny-gpt2").resolve("config.json"), code.resolve("config.json"));
        Files.copy(fixture("torch-refusals").resolve("runs-code.bin"), code.resolve("pytorch_model.bin"));
        run = CliRun.of("import-hf", "--from", code.toString(), "--out", tmp.resolve("p.wafer").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("'posix.system'") && run.err().contains("never runs code"), run.err());
        assertFalse(Files.exists(tmp.resolve("p.wafer")));
        run = CliRun.of("export-hf", "--checkpoint", fixture("tiny-gpt2").resolve("model.safetensors").toString(),
                "--out", tmp.resolve("e").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("magic") || run.err().contains("not a Wafer checkpoint"), run.err());
    }
}
