package dev.wafer.domain.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A refused setting is reported with the values given, not the zeros of fields not yet assigned. */
class AdamWSettingsTest {
    @Test
    void theRefusalShowsTheGivenValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AdamWSettings(0.9, 0.95, -1e-8, 0.1, 1.0));
        assertEquals("bad AdamW settings: beta1 0.9 and beta2 0.95 must be in [0, 1), eps -1.0E-8 and weight decay"
                + " 0.1 finite and not negative", e.getMessage());
    }

    @Test
    void anInfiniteEpsilonIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> AdamWSettings.cerebras(Double.POSITIVE_INFINITY));
    }

    /** A checkpoint records the threshold as a JSON number: +-Infinity and NaN made every save unreadable. */
    @ParameterizedTest
    @ValueSource(doubles = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.NaN})
    void aNonFiniteMaxGradNormIsRefusedByName(double threshold) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AdamWSettings(0.9, 0.95, 1e-8, 0.1, threshold));
        assertEquals("bad AdamW settings: maxGradNorm must be finite (zero or negative disables clipping), found "
                + threshold, e.getMessage());
    }

    @Test
    void zeroAndNegativeThresholdsStillDisableClipping() {
        assertEquals(0.0, new AdamWSettings(0.9, 0.95, 1e-8, 0.1, 0).maxGradNorm());
        assertEquals(-1.0, new AdamWSettings(0.9, 0.95, 1e-8, 0.1, -1).maxGradNorm());
    }
}
