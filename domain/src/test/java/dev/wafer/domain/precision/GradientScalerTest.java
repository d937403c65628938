package dev.wafer.domain.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** GradScaler semantics: initial 65536, x2 after 2000 finite steps, x0.5 and a reset on a non-finite step. */
class GradientScalerTest {
    @Test
    void defaultsAreGradScalers() {
        GradientScaler s = GradientScaler.dynamic();
        assertTrue(s.enabled());
        assertEquals(65536.0, s.scale());
        assertEquals(65536f / 1024, s.scaledWeight(1.0 / 1024));
        assertEquals(1f / 65536, s.unscaleFactor());
    }

    @Test
    void growsAfterTheIntervalAndBacksOffOnNonFinite() {
        GradientScaler s = GradientScaler.dynamic(8.0, 2.0, 0.5, 3);
        s.update(true);
        s.update(true);
        assertEquals(new LossScaleState(8.0, 2), s.state());
        s.update(false);
        assertEquals(new LossScaleState(4.0, 0), s.state(), "back-off halves the scale and resets the count");
        s.update(true);
        s.update(true);
        s.update(true);
        assertEquals(new LossScaleState(8.0, 0), s.state(), "three finite steps double it");
    }

    @Test
    void restoresExactly() {
        GradientScaler a = GradientScaler.dynamic();
        for (int i = 0; i < 1999; i++) {
            a.update(true);
        }
        a.update(false);
        a.update(true);
        GradientScaler b = GradientScaler.dynamic();
        b.restore(a.state());
        for (int i = 0; i < 2500; i++) {
            a.update(i % 700 != 5);
            b.update(i % 700 != 5);
            assertEquals(a.state(), b.state());
        }
    }

    @Test
    void disabledScalerIsTheIdentity() {
        GradientScaler s = GradientScaler.disabled();
        assertFalse(s.enabled());
        s.update(false);
        assertEquals(LossScaleState.UNSCALED, s.state());
        assertEquals((float) (1.0 / 96), s.scaledWeight(1.0 / 96), "fp32 runs keep their exact loss weight");
        assertThrows(IllegalArgumentException.class, () -> s.restore(new LossScaleState(1024, 0)));
        assertThrows(IllegalArgumentException.class, () -> GradientScaler.dynamic(1, 1, 0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> new LossScaleState(Double.POSITIVE_INFINITY, 0));
    }
}
