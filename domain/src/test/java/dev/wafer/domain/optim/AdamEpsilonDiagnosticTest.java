package dev.wafer.domain.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AdamEpsilonDiagnosticTest {
    @Test
    void epsilonMustStayAThousandTimesBelowTheRootMeanSecondMoment() {
        float[] v = {1e-10f, 3e-10f}; // mean 2e-10, root 1.414e-5, limit 1.414e-8
        AdamEpsilonDiagnostic.Verdict small = AdamEpsilonDiagnostic.check("h.0.attn.qkv.w", v, 1e-9);
        assertTrue(small.ok());
        assertEquals(Math.sqrt(2e-10) / 1000, small.limit(), 1e-15);
        assertTrue(AdamEpsilonDiagnostic.check("h.0.attn.qkv.w", v, 1.4e-8).ok());
        assertFalse(AdamEpsilonDiagnostic.check("h.0.attn.qkv.w", v, 1.5e-8).ok());
        assertFalse(AdamEpsilonDiagnostic.check("h.0.attn.qkv.w", v, 1e-8 * 100).ok());
    }
}
