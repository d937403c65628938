package dev.wafer.domain.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import dev.wafer.domain.PaperTolerances;
import dev.wafer.domain.preset.CerebrasGptFamily;
import org.junit.jupiter.api.Test;

class PowerLawFitTest {
    @Test
    void recoversSeededSyntheticLaws() {
        long seed = 20261128L;
        Random rnd = new Random(seed);
        for (int trial = 0; trial < 20; trial++) {
            double a = 5 + 95 * rnd.nextDouble();
            double b = -0.02 - 0.4 * rnd.nextDouble();
            double c = 2 * rnd.nextDouble();
            double[] f = new double[8];
            double[] loss = new double[8];
            for (int i = 0; i < f.length; i++) {
                f[i] = Math.pow(10, 15 + i + rnd.nextDouble());
                loss[i] = a * Math.pow(f[i], b) + c;
            }
            PowerLawFit.Result r = PowerLawFit.fit(f, loss);
            String where = "seed " + seed + " trial " + trial + ": a=" + a + " b=" + b + " c=" + c + " got " + r.law();
            assertEquals(b, r.law().b(), Math.abs(b) * PaperTolerances.FIT_SYNTHETIC_RELATIVE, where);
            assertEquals(c, r.law().c(), 1e-3, where);
            assertEquals(a, r.law().a(), a * 1e-2, where);
            assertEquals(0, r.rmsResidual(), 1e-6, where);
        }
    }

    @Test
    void aFitOnItsBoundOrWithANegativeFloorIsDegenerate() {
        // Losses that rise with compute: the best exponent is the least negative the fit allows.
        PowerLawFit.Result rising = PowerLawFit.fit(new double[] {1e9, 2e9, 4e9}, new double[] {3.0, 3.1, 3.3});
        assertTrue(PowerLawFit.degeneracy(rising.law()).orElseThrow().contains("on the fit's bound"),
                rising.law().toString());
        assertTrue(PowerLawFit.degeneracy(new PowerLaw(10, -0.1, -0.5)).orElseThrow().contains("c = -0.5"));
        assertTrue(PowerLawFit.degeneracy(new PowerLaw(47, -0.073, 0.5)).isEmpty(), "equation (1) is a result");
    }

    /**
     * Losses that rise with compute, or do not change with it, fitted with an exponent inside the bound: a law with
     * a <= 0 is no scaling law and says so (until 2026-12-08 a = -4482, b = -0.37 passed as a result).
     */
    @Test
    void aLawWhoseLossDoesNotFallWithComputeIsDegenerate() {
        double[] flops = {1e10, 1e11, 1e12, 1e13};
        PowerLawFit.Result rising = PowerLawFit.fit(flops, new double[] {2.0, 2.5, 2.7, 2.8});
        assertTrue(rising.law().a() < 0, rising.law().toString());
        assertTrue(PowerLawFit.degeneracy(rising.law()).orElseThrow().contains("is not positive: the loss does not"
                + " fall with compute"), rising.law().toString());
        PowerLawFit.Result flat = PowerLawFit.fit(flops, new double[] {2.5, 2.5, 2.5, 2.5});
        assertTrue(PowerLawFit.degeneracy(flat.law()).isPresent(), flat.law().toString());
    }

    @Test
    void refitOfTheSpFamilyGivesThePapersLaw() {
        String[] names = {"111M", "256M", "590M", "1.3B", "2.7B", "6.7B", "13B"};
        double[] losses = {2.608, 2.349, 2.181, 1.997, 1.834, 1.704, 1.572};
        double[] flops = new double[names.length];
        for (int i = 0; i < names.length; i++) {
            flops[i] = CerebrasGptFamily.require(names[i]).trainingFlops();
        }
        PowerLawFit.Result r = PowerLawFit.fit(flops, losses);
        // Reference facts: fitting the 7 pairs gives A ~ 47, b ~ -0.073, c ~ 0.50, consistent with equation 1.
        assertEquals(-0.073, r.law().b(), 0.01, r.law().toString());
        assertEquals(0.50, r.law().c(), 0.1, r.law().toString());
        double sum = 0;
        for (double res : r.residuals()) {
            sum += res;
        }
        // With a free offset c, least-squares residuals sum to zero: a check on the linear solve.
        assertEquals(0, sum, 1e-9);
        assertEquals(r.residuals()[4] / r.law().lossAt(flops[4]), r.relativeDeviations()[4], 1e-15);
    }

    @Test
    void rejectsTooFewOrInvalidPoints() {
        assertThrows(IllegalArgumentException.class, () -> PowerLawFit.fit(new double[] {1, 2}, new double[] {1, 2}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PowerLawFit.fit(new double[] {1, -2, 3}, new double[] {1, 2, 3}));
        assertEquals("point 1: FLOPs must be positive and finite, found -2.0", e.getMessage());
    }
}
