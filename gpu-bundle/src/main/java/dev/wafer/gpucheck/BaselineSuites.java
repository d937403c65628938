package dev.wafer.gpucheck;

import java.util.function.Predicate;

/**
 * The baseline kernels' contract and model suites, run at most once and only when their verdict is wanted: straight
 * after the fast kernels' suites when those failed (the kernel choice needs it), before the retry of a bench that
 * failed on the fast kernels, or last, with the time left, when nothing needed them sooner. So a good run spends its
 * deadline on the figures first.
 */
final class BaselineSuites {

    private final Predicate<Boolean> run;
    private boolean done;
    private boolean passed;

    /**
     * @param run runs the suites; given whether the run needs their verdict now (a skip for want of time is then a
     *            problem), returns whether they ran and passed
     */
    BaselineSuites(Predicate<Boolean> run) {
        this.run = run;
    }

    /** Suites that never run (the CPU part has none; {@code --skip tests}): they have not passed. */
    static BaselineSuites none() {
        BaselineSuites none = new BaselineSuites(needed -> false);
        none.done = true;
        return none;
    }

    /** Whether they passed, running them first if they have not run: the run needs the verdict now. */
    boolean passedNow() {
        runOnce(true);
        return passed;
    }

    /** Runs them if nothing needed them before: the end of the run, with whatever time is left. */
    void atTheEnd() {
        runOnce(false);
    }

    /** Whether they have run (or never will). */
    boolean done() {
        return done;
    }

    /** Whether they ran and passed; false before they run. */
    boolean passed() {
        return passed;
    }

    /**
     * Whether a bench that ended {@code ok} or not on {@code variant} is run again on the baseline kernels: only a
     * failure on the fast kernels (with or without the fused attention), and only when the baseline kernels pass their
     * suites, which this runs first if they have not run.
     */
    boolean retry(String variant, boolean ok) {
        return !ok && KernelChoice.retryOnBaseline(variant, true) && passedNow();
    }

    private void runOnce(boolean needed) {
        if (!done) {
            done = true;
            passed = run.test(needed);
        }
    }
}
