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
    /** The fast kernels without the fused attention. */
    static final String FAST_UNFUSED = "fast-unfused";
    static final String BASELINE = "baseline";

    /**
     * From the fast phase as it ended ({@link TestPhase#status()}) and its log. A test that was running when the phase
     * crashed or ran out of time counts as failed. A phase that only ran out of time, with no test failed and no
     * kernel contract test running, keeps the fast kernels: nothing was found against them, the suites were merely
     * slower than their cap (on a GPU they run for the first time), and benching the baseline kernels instead would
     * cost the run its figures.
     */
    static KernelChoice of(String fastStatus, boolean baselinePassed, TestLog fastLog) {
        if (fastStatus.equals(TestPhase.PASSED)) {
            return of(true, baselinePassed, fastLog.outcomes());
        }
        if (onlyOtherTestsFailed(fastLog)) {
            long failed = fastLog.outcomes().stream().filter(o -> o.status() == TestOutcome.Status.FAILED).count();
            return new KernelChoice(FAST, "the fast kernels passed their device suites ("
                    + String.join(", ", DeviceSuitesFirst.FIRST) + "); the tests that failed after them (" + failed
                    + (fastLog.running().isPresent() ? ", and " + fastLog.running().get() + ", running when the"
                    + " tests " + fastStatus : "") + ") do not run the kernels on the device");
        }
        java.util.List<TestOutcome> suspects = new java.util.ArrayList<>(fastLog.outcomes());
        fastLog.running().ifPresent(t -> suspects.add(new TestOutcome(t, TestOutcome.Status.FAILED,
                "running when the tests " + fastStatus)));
        boolean finishedFailed = fastLog.outcomes().stream().anyMatch(o -> o.status() == TestOutcome.Status.FAILED);
        boolean contractRunning = fastLog.running().map(t -> t.contains("ContractTest")).orElse(false);
        if (fastStatus.equals(TestPhase.TIMED_OUT) && !finishedFailed && !contractRunning) {
            long passed = fastLog.outcomes().stream().filter(o -> o.status() == TestOutcome.Status.PASSED).count();
            return new KernelChoice(FAST, "the fast kernels' tests ran out of time with none failed (" + passed
                    + " passed" + fastLog.running().map(t -> "; running: " + t).orElse("") + "), and no kernel"
                    + " contract test was running: nothing counts against the fast kernels");
        }
        return of(false, baselinePassed, suspects);
    }

    /**
     * Whether the fast kernels stand after their phase: it passed, or only tests outside the device suites failed. The
     * device suites run first ({@link DeviceSuitesFirst}), so a test of another class that finished or was running
     * shows they were done; the other classes check bindings, compilers and bookkeeping, not the kernels on the device,
     * and the baseline kernels' phase runs only the device suites, so their failures are problems in the report, not
     * a reason to bench other kernels.
     */
    static boolean kernelsStand(String fastStatus, TestLog fastLog) {
        return fastStatus.equals(TestPhase.PASSED) || onlyOtherTestsFailed(fastLog);
    }

    private static boolean onlyOtherTestsFailed(TestLog log) {
        boolean deviceSuitesRan = log.outcomes().stream().anyMatch(o -> deviceSuite(o.test()));
        boolean othersAfterThem = log.outcomes().stream().anyMatch(o -> !deviceSuite(o.test()))
                || log.running().isPresent();
        boolean deviceSuiteFailed = log.outcomes().stream()
                .anyMatch(o -> deviceSuite(o.test()) && o.status() == TestOutcome.Status.FAILED);
        return deviceSuitesRan && othersAfterThem && !deviceSuiteFailed
                && !log.running().map(KernelChoice::deviceSuite).orElse(false);
    }

    /** Whether a test (as the log names it, {@code Class > method(...)}) belongs to a device suite. */
    static boolean deviceSuite(String test) {
        int end = test.indexOf(" > ");
        return DeviceSuitesFirst.FIRST.contains(end < 0 ? test : test.substring(0, end));
    }

    /**
     * As {@link #of(boolean, boolean)}, with the fast phase's outcomes: when its failures include the fused
     * attention's tests and the kernel contract failed nowhere else, the fast kernels without the fused attention
     * (the model suites' other failures are then its, since they train with it).
     */
    static KernelChoice of(boolean fastPassed, boolean baselinePassed, java.util.List<TestOutcome> fastOutcomes) {
        if (!fastPassed) {
            java.util.List<TestOutcome> failed = fastOutcomes.stream()
                    .filter(o -> o.status() == TestOutcome.Status.FAILED).toList();
            boolean fused = failed.stream().anyMatch(KernelChoice::fusedAttentionTest);
            boolean otherKernels = failed.stream().anyMatch(o -> !fusedAttentionTest(o)
                    && o.test().contains("ContractTest"));
            if (fused && !otherKernels) {
                return new KernelChoice(FAST_UNFUSED, "the fused attention failed its tests and the other fast"
                        + " kernels passed their contract");
            }
        }
        return of(fastPassed, baselinePassed);
    }

    private static boolean fusedAttentionTest(TestOutcome o) {
        return o.test().toLowerCase(java.util.Locale.ROOT).contains("fusedattention");
    }

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
        return (variant.equals(FAST) || variant.equals(FAST_UNFUSED)) && baselinePassed;
    }
}
