package dev.wafer.domain.param;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.model.ParameterRole;

/** The constants of reference-facts 1.3-1.4, checked against the numbers the configs quote for 111M. */
class ParameterisationTest {
    private static final ModelShape M111 = ModelShape.withHeads(50257, 2048, 10, 12, 768, 3072);

    private static double std(Parameterisation p, ParameterRole r) {
        return ((Init.TruncatedNormal) p.init(r)).std();
    }

    @Test
    void standardParameterisationMatchesThe111MConfig() {
        Parameterisation sp = Parameterisations.of(ParameterisationKind.SP, M111);
        assertEquals(0.02, std(sp, ParameterRole.TOKEN_EMBEDDING), 0);
        assertEquals(0.02, std(sp, ParameterRole.POSITION_EMBEDDING), 0);
        assertEquals(0.02, std(sp, ParameterRole.HIDDEN_WEIGHT), 0);
        assertEquals(0.004472, std(sp, ParameterRole.OUTPUT_WEIGHT), 1e-6); // YAML: 0.02/sqrt(20)
        assertEquals(new Init.Constant(0f), sp.init(ParameterRole.BIAS));
        assertEquals(new Init.Constant(1f), sp.init(ParameterRole.NORM_WEIGHT));
        assertEquals(new Init.Constant(0f), sp.init(ParameterRole.NORM_BIAS));
        assertEquals(1f, sp.embeddingMultiplier());
        assertEquals(0.125f, sp.attentionScale(64));
        assertEquals(1f, sp.outputLogitMultiplier());
        for (ParameterRole r : ParameterRole.values()) {
            assertEquals(1.0, sp.learningRateMultiplier(r));
        }
    }

    /**
     * The output projections (c_proj of attention and MLP) of every SP preset get its YAML's std: 0.02/sqrt(2L) up to
     * 590M, 0.0025 hard-coded from 1.3B on (until 2026-12-07 the formula everywhere: 0.00289 for 1.3B's 24 layers and
     * 0.00224 for 13B's 40). A custom shape keeps the formula, a 24-layer one too.
     */
    @Test
    void spOutputProjectionsTakeTheYamlStdOfEachPreset() {
        java.util.Map<String, Double> yaml = java.util.Map.of("111M", 0.004472, "256M", 0.003780, "590M", 0.003333,
                "1.3B", 0.0025, "2.7B", 0.0025, "6.7B", 0.0025, "13B", 0.0025);
        yaml.forEach((name, std) -> {
            ModelShape shape = dev.wafer.domain.preset.CerebrasGptFamily.require(name).shape();
            Parameterisation sp = Parameterisations.of(ParameterisationKind.SP, shape);
            assertEquals(std, std(sp, ParameterRole.OUTPUT_WEIGHT), 1e-6, name);
            assertEquals(0.02, std(sp, ParameterRole.HIDDEN_WEIGHT), 0, name);
        });
        // The 1.3B body at another sequence length and vocabulary is still the 1.3B preset's.
        ModelShape short13 = new ModelShape(257, 128, 2048, 24, 16, 128, 8192);
        assertEquals(0.0025, std(Parameterisations.of(ParameterisationKind.SP, short13), ParameterRole.OUTPUT_WEIGHT));
        ModelShape custom24 = ModelShape.gpt(512, 24, 64);
        assertEquals(0.02 / Math.sqrt(48), std(Parameterisations.of(ParameterisationKind.SP, custom24),
                ParameterRole.OUTPUT_WEIGHT), 1e-12);
        assertEquals(0.02 / Math.sqrt(48), new StandardParameterisation(24).outputStd(), 1e-12);
    }

    @Test
    void mupMatchesThe111MNumbers() {
        Parameterisation mup = Parameterisations.of(ParameterisationKind.MUP, M111);
        assertEquals(0.08, std(mup, ParameterRole.TOKEN_EMBEDDING), 0);
        assertEquals(0.08, std(mup, ParameterRole.POSITION_EMBEDDING), 0);
        assertEquals(0.04619, std(mup, ParameterRole.HIDDEN_WEIGHT), 1e-5);  // 0.08/sqrt(3)
        assertEquals(0.010328, std(mup, ParameterRole.OUTPUT_WEIGHT), 1e-6); // 0.08/sqrt(2*10*3)
        assertEquals(10f, mup.embeddingMultiplier());
        assertEquals(1f / 64, mup.attentionScale(64));
        assertEquals(0.33333334f, mup.outputLogitMultiplier(), 1e-7);
        assertEquals(1.0 / 3, mup.learningRateMultiplier(ParameterRole.HIDDEN_WEIGHT), 1e-12);
        assertEquals(1.0 / 3, mup.learningRateMultiplier(ParameterRole.OUTPUT_WEIGHT), 1e-12);
        for (ParameterRole r : new ParameterRole[] {ParameterRole.TOKEN_EMBEDDING, ParameterRole.POSITION_EMBEDDING,
                ParameterRole.BIAS, ParameterRole.NORM_WEIGHT, ParameterRole.NORM_BIAS}) {
            assertEquals(1.0, mup.learningRateMultiplier(r), r.name());
        }
        // 1.3B: m_width 8 -> logits x 0.125
        Parameterisation big = new MupParameterisation(24, 2048);
        assertEquals(0.125f, big.outputLogitMultiplier());
    }

    @Test
    void weightDecayFollowsRoles() {
        assertTrue(ParameterRole.TOKEN_EMBEDDING.decayed());
        assertTrue(ParameterRole.POSITION_EMBEDDING.decayed());
        assertTrue(ParameterRole.HIDDEN_WEIGHT.decayed());
        assertTrue(ParameterRole.OUTPUT_WEIGHT.decayed());
        assertTrue(!ParameterRole.BIAS.decayed() && !ParameterRole.NORM_WEIGHT.decayed()
                && !ParameterRole.NORM_BIAS.decayed());
    }
}
