package dev.wafer.gpucheck;

/**
 * Which kernels the benches and training use, from the test phases: the fast (new) kernels, unless they failed their
 * tests while the baseline kernels passed theirs, so that a wrong new kernel does not cost the first GPU run its
 * figures.
 *
 * @param variant the {@code WAFER_CUDA_KERNELS} value
 * @param reason  why, for the report
 */
record KernelChoice(String variant, String reason) {

    static final String FAST = "fast";
    static final String BASELINE = "baseline";

    static KernelChoice of(boolean fastPassed, boolean baselinePassed) {
        if (!fastPassed && baselinePassed) {
            return new KernelChoice(BASELINE, "the fast kernels failed their tests and the baseline kernels passed"
                    + " theirs");
        }
        return new KernelChoice(FAST, fastPassed ? "the fast kernels passed their tests"
                : "the fast kernels failed their tests and the baseline kernels did not pass theirs either");
    }

    /** Whether a bench that failed on {@code variant} is worth running again on the baseline kernels. */
    static boolean retryOnBaseline(String variant, boolean baselinePassed) {
        return variant.equals(FAST) && baselinePassed;
    }
}
