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
