package dev.wafer.formats.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.wafer.adapters.cpu.CpuBackend;
import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.model.ParameterName;
import dev.wafer.domain.model.ParameterSpec;
import dev.wafer.domain.param.MupHyperparameters;
import dev.wafer.domain.param.ParameterInitializer;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.ports.compute.TensorScope;

/**
 * A Wafer model (SP and muP) exported to GPT2LMHeadModel files and run by an independent GPT-2 forward gives Wafer's
 * logits; SP models also re-import to the same parameters bit for bit.
 */
class Gpt2ConversionTest {
    private static final long SEED = 77L;

    @TempDir
    Path tmp;

    /**
     * m_emb 33.5 is a value the muP search draws (log-uniform over [1, 100]); export-hf refused every m_emb but 10
     * until 2026-12-07, and folding it as 10 moves the logits far past the tolerance.
     */
    @ParameterizedTest
    @CsvSource({"SP, 1", "MUP, 10", "MUP, 33.5"})
    void exportedModelComputesWafersLogits(ParameterisationKind kind, double embeddingMultiplier) {
        ModelShape shape = ModelShape.withHeads(40, 10, 2, 2, 16, 64);
        int[] tokens = new SplittableRandom(SEED).ints(10, 0, 40).toArray();
        try (CpuBackend backend = new CpuBackend(1, true); TensorScope scope = backend.openScope()) {
            Parameterisation p = Parameterisations.of(kind, shape, triple(embeddingMultiplier));
            GptModel model = new GptModel(backend, scope, shape, p, 1, tokens.length);
            ParameterInitializer.initialize(model.parameters(), p, SEED);
            float[] logits = model.logits(tokens);
            Map<ParameterName, float[]> params = new EnumMap<>(ParameterName.class);
            for (ParameterSpec s : model.parameters().layout().specs()) {
                params.put(s.name(), model.parameters().get(s.name()).toHost());
            }
            Gpt2Conversion.WaferModel wafer = new Gpt2Conversion.WaferModel(shape, kind, embeddingMultiplier, params);
            Path dir = tmp.resolve(kind.id() + "-" + embeddingMultiplier);
            Gpt2HfDirectory.write(dir, Gpt2Conversion.toHf(wafer));
            Gpt2Checkpoint read = Gpt2HfDirectory.read(dir);
            assertEquals(kind == ParameterisationKind.SP, read.config().tieWordEmbeddings());
            assertEquals(null, read.config().mup());
            double[][] reference = ReferenceGpt2.logits(read, tokens);
            for (int t = 0; t < tokens.length; t++) {
                for (int v = 0; v < shape.vocabSize(); v++) {
                    double want = (double) logits[t * shape.vocabSize() + v] * p.outputLogitMultiplier();
                    assertEquals(want, reference[t][v], 1e-4 * Math.max(1, Math.abs(want)),
                            kind + " m_emb " + embeddingMultiplier + " seed " + SEED + " position " + t + " logit " + v);
                }
            }
            if (kind == ParameterisationKind.SP) {
                Gpt2Conversion.WaferModel back = Gpt2Conversion.toWafer(dir.toString(), read);
                for (ParameterName name : params.keySet()) {
                    assertArrayEquals(params.get(name), back.params().get(name), name.id());
                }
            }
        }
    }

    /**
     * A btlm-style muP config with any positive m_emb imports as a muP model with that m_emb, computing the source's
     * logits (its multipliers applied by the reference forward); until 2026-12-07 only m_emb 10 imported.
     */
    @ParameterizedTest
    @ValueSource(doubles = {10, 33.5})
    void btlmConfigImportsWithItsEmbeddingMultiplier(double embeddingMultiplier) {
        MupMultipliers mup = new MupMultipliers(256.0 / 8, embeddingMultiplier, 1, true);
        Gpt2Checkpoint source = TinyGpt2.random(new Gpt2Config(8, 2, 2, 12, 6, 13, 1e-5, Gpt2Activation.GELU, true,
                "GPT2LMHeadModel", mup), SEED);
        Gpt2Conversion.WaferModel imported = Gpt2Conversion.toWafer("m", source);
        assertEquals(ParameterisationKind.MUP, imported.kind());
        assertEquals(embeddingMultiplier, imported.embeddingMultiplier());
        int[] tokens = new SplittableRandom(SEED).ints(6, 0, 13).toArray();
        double[][] reference = ReferenceGpt2.logits(source, tokens);
        ModelShape shape = imported.shape();
        try (CpuBackend backend = new CpuBackend(1, true); TensorScope scope = backend.openScope()) {
            Parameterisation p = Parameterisations.of(ParameterisationKind.MUP, shape,
                    triple(imported.embeddingMultiplier()));
            GptModel model = new GptModel(backend, scope, shape, p, 1, tokens.length);
            imported.params().forEach((name, data) -> model.parameters().get(name).copyFromHost(data));
            float[] logits = model.logits(tokens);
            for (int t = 0; t < tokens.length; t++) {
                for (int v = 0; v < shape.vocabSize(); v++) {
                    double got = (double) logits[t * shape.vocabSize() + v] * p.outputLogitMultiplier();
                    assertEquals(reference[t][v], got, 1e-4 * Math.max(1, Math.abs(reference[t][v])),
                            "m_emb " + embeddingMultiplier + " seed " + SEED + " position " + t + " logit " + v);
                }
            }
        }
    }

    /** The paper's eta_base and sigma_base (they matter only for training) with the given m_emb. */
    private static MupHyperparameters triple(double embeddingMultiplier) {
        return embeddingMultiplier == 1 ? MupHyperparameters.PAPER : new MupHyperparameters(
                MupHyperparameters.PAPER.baseLearningRate(), MupHyperparameters.PAPER.initStd(), embeddingMultiplier);
    }

    /** gelu_new, written out or left to Hugging Face's default, is refused saying which it is and what imports. */
    @org.junit.jupiter.api.Test
    void theTanhGeluIsRefusedExplainingTheDefault() {
        Gpt2Checkpoint hf = TinyGpt2.random(TinyGpt2.config(true, null), SEED);
        HfFormatException e = org.junit.jupiter.api.Assertions.assertThrows(HfFormatException.class,
                () -> Gpt2Conversion.toWafer("m", hf));
        org.junit.jupiter.api.Assertions.assertEquals("m: activation_function 'gelu_new' (the tanh approximation of"
                + " GELU, and Hugging Face's default when config.json has no activation_function) is not supported;"
                + " Wafer computes the exact GELU ('gelu'), as Cerebras-GPT does, so only a model trained with"
                + " \"activation_function\": \"gelu\" imports", e.getMessage());
    }
    /**
     * export-hf writes LayerNorm's epsilon as the decimal 1e-5 (until 2026-12-07 the float widened,
     * 9.999999747378752E-6); what it wrote then still imports, and another epsilon is refused naming both readably.
     */
    @org.junit.jupiter.api.Test
    void epsilonIsExportedAsItsShortestDecimalAndTheWidenedFloatStillImports() throws java.io.IOException {
        for (double eps : new double[] {1e-5, (double) 1e-5f}) {
            Gpt2Config config = new Gpt2Config(8, 2, 2, 32, 6, 13, eps, Gpt2Activation.GELU, true, ARCH, null);
            Gpt2Conversion.WaferModel wafer = Gpt2Conversion.toWafer("m", TinyGpt2.random(config, SEED));
            Path dir = tmp.resolve("eps-" + eps);
            Gpt2HfDirectory.write(dir, Gpt2Conversion.toHf(wafer));
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("config.json").toFile());
            assertEquals(1e-5, json.path("layer_norm_epsilon").doubleValue(), json.toString());
        }
        Gpt2Config other = new Gpt2Config(8, 2, 2, 32, 6, 13, 1e-3, Gpt2Activation.GELU, true, ARCH, null);
        HfFormatException e = org.junit.jupiter.api.Assertions.assertThrows(HfFormatException.class,
                () -> Gpt2Conversion.toWafer("m", TinyGpt2.random(other, SEED)));
        assertEquals("m: layer_norm_epsilon 0.001 is not supported; Wafer's LayerNorm uses 1.0E-5", e.getMessage());
    }

    private static final String ARCH = "GPT2LMHeadModel";
}
