package dev.wafer.domain.preset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.domain.PaperTolerances;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.schedule.DecayType;
import org.junit.jupiter.api.Test;

class CerebrasGptFamilyTest {
    /** Table 1: name, d_model, n_layers, d_head, d_ffn, total tokens (B), batch tokens, LR, decay. */
    private static final Object[][] TABLE_1 = {
        {"111M", 768, 10, 64, 3072, 2.2, 246e3, 6.0e-4, DecayType.LINEAR},
        {"256M", 1088, 14, 64, 4352, 5.1, 541e3, 6.0e-4, DecayType.LINEAR},
        {"590M", 1536, 18, 128, 6144, 11.8, 541e3, 2.0e-4, DecayType.LINEAR},
        {"1.3B", 2048, 24, 128, 8192, 26.3, 1.08e6, 2.0e-4, DecayType.COSINE},
        {"2.7B", 2560, 32, 80, 10240, 53.0, 1.08e6, 2.0e-4, DecayType.COSINE},
        {"6.7B", 4096, 32, 128, 16384, 133.2, 2.13e6, 1.2e-4, DecayType.LINEAR},
        {"13B", 5120, 40, 128, 20480, 257.1, 1.47e6, 1.2e-4, DecayType.COSINE},
        {"111M-mup", 768, 10, 64, 3072, 2.2, 246e3, 6.0e-3, DecayType.LINEAR},
        {"256M-mup", 1088, 14, 64, 4352, 5.1, 541e3, 6.0e-3, DecayType.LINEAR},
        {"590M-mup", 1536, 18, 128, 6144, 11.8, 541e3, 6.0e-3, DecayType.LINEAR},
        {"1.3B-mup", 2048, 24, 128, 8192, 26.3, 1.08e6, 6.0e-3, DecayType.LINEAR},
        {"2.7B-mup", 2560, 32, 80, 10240, 53.0, 1.08e6, 6.0e-3, DecayType.LINEAR},
    };

    @Test
    void reproducesTableOne() {
        for (Object[] row : TABLE_1) {
            String name = (String) row[0];
            CerebrasGptPreset p = CerebrasGptFamily.require(name);
            ModelShape s = p.shape();
            assertEquals(row[1], s.dModel(), name);
            assertEquals(row[2], s.nLayers(), name);
            assertEquals(row[3], s.dHead(), name);
            assertEquals(row[4], s.dFfn(), name);
            assertEquals(50257, s.vocabSize(), name);
            assertEquals(2048, s.seqLength(), name);
            assertEquals((double) row[5], p.totalTokens() / 1e9, PaperTolerances.TABLE_TOKENS_BILLIONS, name);
            double batchTokens = p.initialBatchSequences() * 2048.0;
            assertEquals(1, batchTokens / (double) row[6], PaperTolerances.TABLE_BATCH_RELATIVE, name);
            assertEquals((double) row[7], p.peakLearningRate(), 1e-18, name);
            assertEquals(row[8], p.decayType(), name);
            assertEquals(name.endsWith("mup") ? ParameterisationKind.MUP : ParameterisationKind.SP,
                    p.parameterisation(), name);
        }
    }

    @Test
    void everyRunIsTwentyTokensPerParameterWithAbout375MWarmup() {
        for (CerebrasGptPreset p : CerebrasGptFamily.all()) {
            if (p.name().contains("proxy")) {
                continue;
            }
            assertEquals(20.0, p.tokensPerParameter(), 0.02, p.name());
            assertEquals(375e6, p.warmupTokens(), 1.5e6, p.name());
        }
    }

    @Test
    void thirteenBChangesBatchAt84BTokens() {
        CerebrasGptPreset p = CerebrasGptFamily.require("13B");
        assertEquals(720, p.schedule().batches().sequencesAtStep(56_999));
        assertEquals(1080, p.schedule().batches().sequencesAtStep(57_000));
        assertEquals(84.05e9, p.schedule().tokensBeforeStep(57_000), 0.01e9);
        assertEquals(1080 * 2048.0, p.schedule().tokensBeforeStep(57_001) - p.schedule().tokensBeforeStep(57_000));
        assertEquals(57_000 + 78_223, p.schedule().totalSteps());
        assertEquals(1e-9, p.adamEpsilon());
    }

    @Test
    void epsilonAndProxy() {
        assertEquals(1e-8, CerebrasGptFamily.require("2.7B").adamEpsilon());
        assertEquals(1e-9, CerebrasGptFamily.require("6.7B").adamEpsilon());
        // Appendix G.2: d_model 256, 32 layers, d_head 128, 600M tokens, batch 131k tokens.
        CerebrasGptPreset proxy = CerebrasGptFamily.require("40M-mup-proxy");
        assertEquals(256, proxy.shape().dModel());
        assertEquals(32, proxy.shape().nLayers());
        assertEquals(128, proxy.shape().dHead());
        assertEquals(ParameterisationKind.MUP, proxy.parameterisation());
        assertEquals(131_072, proxy.schedule().batches().tokensPerStepAt(0));
        assertEquals(4578, proxy.schedule().totalSteps());
        // The run trains whole steps: FLOPs, tokens per parameter, loss and schedule count 600,047,616 tokens.
        assertEquals(4578 * 131_072.0, proxy.totalTokens());
        assertEquals(dev.wafer.domain.scaling.FlopCount.trainingRun(proxy.shape(), 4578 * 131_072.0),
                proxy.trainingFlops());
        assertEquals(458 * 131_072.0, proxy.warmupTokens(), "10% of the steps, rounded");
        var lr = proxy.schedule().lrInTokens();
        assertEquals(proxy.totalTokens(), lr.warmup() + lr.decay(), "the decay reaches the floor as the run ends");
        CerebrasGptPreset modelzoo = CerebrasGptFamily.require("40M-mup-proxy-modelzoo-24l");
        assertEquals(24, modelzoo.shape().nLayers());
        assertEquals(1525, modelzoo.schedule().totalSteps());
    }

    @Test
    void lookupIsForgivingAboutSpellingButNamesKnownPresetsOnError() {
        assertEquals("111M-mup", CerebrasGptFamily.require("cerebras-gpt-111m+mup").name());
        assertEquals("1.3B", CerebrasGptFamily.require(" 1.3b ").name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CerebrasGptFamily.require("7B"));
        assertTrue(e.getMessage().startsWith("unknown preset '7B'; known presets: 111M, 256M"), e.getMessage());
    }
}
