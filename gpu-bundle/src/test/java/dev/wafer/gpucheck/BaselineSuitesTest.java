package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The baseline kernels' suites run once, and only when their verdict is wanted; the figures come first. */
class BaselineSuitesTest {

    /** Records each run of the suites with whether it was needed, and answers {@code pass}. */
    private final List<Boolean> runs = new ArrayList<>();

    private BaselineSuites suites(boolean pass) {
        return new BaselineSuites(needed -> {
            runs.add(needed);
            return pass;
        });
    }

    @Test
    void benchesThatSucceedLeaveTheSuitesToTheEnd() {
        BaselineSuites b = suites(true);
        assertFalse(b.retry(KernelChoice.FAST, true));
        assertFalse(b.retry(KernelChoice.FAST_UNFUSED, true));
        assertEquals(List.of(), runs, "no bench failed: nothing needed them yet");
        assertFalse(b.done());
        b.atTheEnd();
        assertEquals(List.of(false), runs, "at the end, with the time left: not needed");
        b.atTheEnd();
        assertEquals(1, runs.size(), "once");
    }

    @Test
    void aBenchThatFailsOnTheFastKernelsRunsThemBeforeItsRetryOnce() {
        BaselineSuites b = suites(true);
        assertTrue(b.retry(KernelChoice.FAST, false));
        assertEquals(List.of(true), runs, "needed now, for the retry");
        assertTrue(b.retry(KernelChoice.FAST_UNFUSED, false));
        b.atTheEnd();
        assertEquals(1, runs.size(), "their verdict stands for the rest of the run");
        assertTrue(b.passed());
    }

    @Test
    void noRetryWhenTheBaselineKernelsFailTheirsOrWereTheOnesThatFailed() {
        BaselineSuites failing = suites(false);
        assertFalse(failing.retry(KernelChoice.FAST, false));
        assertEquals(List.of(true), runs);
        runs.clear();
        BaselineSuites passing = suites(true);
        assertFalse(passing.retry(KernelChoice.BASELINE, false), "a baseline bench is not retried on itself");
        assertEquals(List.of(), runs, "and needs no verdict");
    }

    @Test
    void suitesThatNeverRunHaveNotPassed() {
        BaselineSuites none = BaselineSuites.none();
        assertTrue(none.done());
        assertFalse(none.passedNow());
        assertFalse(none.retry(KernelChoice.FAST, false));
        none.atTheEnd();
    }
}
