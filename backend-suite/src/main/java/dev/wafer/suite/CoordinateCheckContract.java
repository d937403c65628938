package dev.wafer.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.BackendContract;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.study.CoordinateCheck;
import dev.wafer.domain.study.StudyListener;
import dev.wafer.suite.support.PseudoEnglish;

/**
 * The muP coordinate check as a property (reference-facts 3.2 and pain point 4): widths 32 to 256, two blocks, a
 * fixed batch of byte-tokenized text, Adam at a constant lr of 3e-3 (five times SP's training rate for such models,
 * the microsoft/mup tip to expose blow-ups). After a few steps every hidden layer output (each block's attention and
 * MLP) must stay within a factor of 2 from the smallest to the largest width under muP, and grow clearly under SP.
 *
 * <p>The bounds are properties of the parameterisation, not numeric tolerances: muP's curves are flat up to noise
 * (observed within 1.3x), SP's grow roughly linearly in width (observed 8x-30x over the 8x width range).
 */
public interface CoordinateCheckContract extends BackendContract {
    /** Widths of the check, smallest to largest (8x). */
    List<Integer> COORD_WIDTHS = List.of(32, 64, 128, 256);
    /** Constant Adam learning rate of the check. */
    double COORD_LR = 3e-3;
    /** Optimizer steps of the check. */
    int COORD_STEPS = 5;
    /** Seed of the text and of the model. */
    long COORD_SEED = 5;
    /** muP: the largest accepted change of a hidden output from width 32 to 256 (and its inverse the smallest). */
    double MUP_MAX_RATIO = 2;
    /** SP: the smallest accepted growth of each hidden output from width 32 to 256. */
    double SP_MIN_RATIO = 4;
    /** SP: the smallest accepted geometric-mean growth of the hidden outputs (an order of magnitude). */
    double SP_MIN_MEAN_RATIO = 10;
    /** Either: the embedding output must not change by more than this fraction across widths. */
    double EMBEDDING_MAX_CHANGE = 0.2;

    /** Under muP hidden activations stay flat in width; under SP they grow. */
    @Test
    default void mupKeepsHiddenActivationsFlatInWidthAndSpDoesNot() {
        PseudoEnglish data = PseudoEnglish.generate(COORD_SEED);
        CoordinateCheck.Result mup = coordinateCheck(ParameterisationKind.MUP, data);
        CoordinateCheck.Result sp = coordinateCheck(ParameterisationKind.SP, data);
        StringBuilder report = new StringBuilder(backend().name() + ", seed " + COORD_SEED + "\n");
        double spLogGrowth = 0;
        int hidden = 0;
        for (String layer : mup.layers()) {
            if (!layer.startsWith("block")) {
                continue;
            }
            hidden++;
            for (int t = 3; t <= COORD_STEPS; t++) {
                double m = widthRatio(mup, layer, t);
                report.append(String.format(Locale.ROOT, "%s step %d: muP %.2fx, SP %.2fx%n", layer, t, m,
                        widthRatio(sp, layer, t)));
                assertTrue(m < MUP_MAX_RATIO && m > 1 / MUP_MAX_RATIO, "muP " + layer + " at step " + t
                        + " changes by " + m + "x from width 32 to 256:\n" + report);
            }
            double s = widthRatio(sp, layer, COORD_STEPS);
            assertTrue(s > SP_MIN_RATIO, "SP " + layer + " grows only " + s + "x from width 32 to 256:\n" + report);
            spLogGrowth += Math.log(s);
        }
        assertEquals(4, hidden, "hidden layers observed: " + mup.layers());
        assertTrue(Math.exp(spLogGrowth / hidden) > SP_MIN_MEAN_RATIO, report.toString());
        assertTrue(Math.abs(widthRatio(mup, "embedding", COORD_STEPS) - 1) < EMBEDDING_MAX_CHANGE, report.toString());
        assertTrue(Math.abs(widthRatio(sp, "embedding", 1) - 1) < EMBEDDING_MAX_CHANGE, report.toString());
    }

    private CoordinateCheck.Result coordinateCheck(ParameterisationKind kind, PseudoEnglish data) {
        CoordinateCheck.Settings settings = new CoordinateCheck.Settings(kind, COORD_WIDTHS, 2, 16, 32, 4,
                COORD_STEPS, COORD_LR, 1, 3, AdamWSettings.cerebras(1e-8));
        return CoordinateCheck.run(backend(), data, settings, StudyListener.NONE);
    }

    private static double widthRatio(CoordinateCheck.Result r, String layer, int step) {
        double[] c = r.curve(layer, step);
        return c[c.length - 1] / c[0];
    }
}
