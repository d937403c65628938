package dev.wafer.domain.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.ports.compute.ComputeBackend;

/** The coordinate check's counts: the runs it announces and the steps it keeps. */
class CoordinateCheckTest {
    private static CoordinateCheck.Settings settings(int steps, int seeds) {
        return new CoordinateCheck.Settings(ParameterisationKind.MUP, List.of(16, 32), 1, 16, 8, 2, steps, 1e-3, seeds,
                1, AdamWSettings.cerebras(1e-8));
    }

    /** Two widths of 2^31-1 seeds were announced as -2 runs ("[1/-2]") when counted in an int. */
    @Test
    void widthsTimesSeedsIsCountedWithoutOverflow() {
        try (ComputeBackend backend = new ReferenceBackend()) {
            MupSearchTest.FirstRun first = assertThrows(MupSearchTest.FirstRun.class, () -> CoordinateCheck.run(
                    backend, new MupSearchTest.Counter(), settings(1, Integer.MAX_VALUE),
                    MupSearchTest.FirstRun.listener()));
            assertEquals(0, first.index);
            assertEquals(2L * Integer.MAX_VALUE, first.runs);
        }
    }

    /** Every step of every layer is kept: a count past the most is refused before anything is held. */
    @Test
    void stepsPastTheMostAreRefused() {
        assertEquals(CoordinateCheck.MAX_STEPS, settings(CoordinateCheck.MAX_STEPS, 1).steps());
        assertThrows(IllegalArgumentException.class, () -> settings(CoordinateCheck.MAX_STEPS + 1, 1));
    }
}
