package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A wrong new kernel must not cost the first GPU run its figures. */
class KernelChoiceTest {

    @Test
    void fastKernelsWhenTheyPass() {
        assertEquals("fast", KernelChoice.of(true, true).variant());
        assertEquals("fast", KernelChoice.of(true, false).variant());
    }

    @Test
    void baselineKernelsWhenOnlyTheyPass() {
        KernelChoice choice = KernelChoice.of(false, true);
        assertEquals("baseline", choice.variant());
        assertTrue(choice.reason().contains("fast kernels failed"), choice.reason());
    }

    @Test
    void fastKernelsWhenNeitherPasses() {
        assertEquals("fast", KernelChoice.of(false, false).variant());
    }

    @Test
    void fastKernelsWithoutTheFusedAttentionWhenOnlyItFailedTheContract() {
        var fusedOnly = java.util.List.of(
                new TestOutcome("CudaBackendContractTest > layerNormForward(TestInfo)", TestOutcome.Status.PASSED, ""),
                new TestOutcome("CudaBackendContractTest > fusedAttentionMatchesTheReferenceOnBf16Operands(TestInfo)",
                        TestOutcome.Status.FAILED, "dqkv out of tolerance"),
                new TestOutcome("CudaBackendModelSuiteTest > mixedPrecisionTraining()", TestOutcome.Status.FAILED,
                        "loss"));
        KernelChoice choice = KernelChoice.of(false, true, fusedOnly);
        assertEquals("fast-unfused", choice.variant());
        assertTrue(choice.reason().contains("fused attention"), choice.reason());
        var alsoOthers = new java.util.ArrayList<>(fusedOnly);
        alsoOthers.add(new TestOutcome("CudaBackendContractTest > matmulForward(TestInfo)", TestOutcome.Status.FAILED,
                "out"));
        assertEquals("baseline", KernelChoice.of(false, true, alsoOthers).variant(),
                "another kernel's contract failed too");
        assertEquals("baseline", KernelChoice.of(false, true, fusedOnly.subList(0, 1)).variant(),
                "no fused attention test failed");
        assertEquals("fast", KernelChoice.of(true, true, fusedOnly.subList(0, 1)).variant());
        assertTrue(KernelChoice.retryOnBaseline("fast-unfused", true));
    }

    @Test
    void aFailingFloat32FusedAttentionAlsoLeavesTheOtherFastKernels() {
        var float32Only = java.util.List.of(
                new TestOutcome("CudaBackendContractTest > float32FusedAttentionMatchesTheReference(TestInfo)",
                        TestOutcome.Status.FAILED, "out out of tolerance"),
                new TestOutcome("CudaBackendModelSuiteTest > pytorchGoldenSp()", TestOutcome.Status.FAILED, "loss"));
        assertEquals("fast-unfused", KernelChoice.of(false, true, float32Only).variant(),
                "float32 runs fuse their attention too, so the model suites' failures are its");
    }

    /** Every test of the fused attention's contracts is one the choice counts as the fused attention's. */
    @Test
    void theFusedAttentionContractsTestsAreRecognised() {
        for (Class<?> contract : java.util.List.of(dev.wafer.conformance.FusedAttentionContract.class,
                dev.wafer.suite.FusedAttentionTrainingContract.class)) {
            long tests = 0;
            for (java.lang.reflect.Method m : contract.getDeclaredMethods()) {
                if (m.isAnnotationPresent(org.junit.jupiter.api.Test.class)
                        || m.isAnnotationPresent(org.junit.jupiter.params.ParameterizedTest.class)) {
                    tests++;
                    assertEquals("fast-unfused", KernelChoice.of(false, true, java.util.List.of(new TestOutcome(
                            "CudaBackendContractTest > " + m.getName() + "(TestInfo)", TestOutcome.Status.FAILED,
                            "x"))).variant(), m.getName());
                }
            }
            assertTrue(tests > 0, contract.getName());
        }
    }

    private static final TestOutcome PASSED_CONTRACT = new TestOutcome("CudaBackendContractTest > gelu(TestInfo)",
            TestOutcome.Status.PASSED, "");

    /** Suites slower than their cap on a GPU's first run find nothing against the fast kernels: they stay. */
    @Test
    void fastTestsThatOnlyRanOutOfTimeKeepTheFastKernels() {
        var log = new TestLog(java.util.List.of(PASSED_CONTRACT), java.util.Optional.of(
                "CudaBackendModelSuiteTest > pytorchGoldenSp()"), false);
        KernelChoice choice = KernelChoice.of(TestPhase.TIMED_OUT, true, log);
        assertEquals("fast", choice.variant());
        assertTrue(choice.reason().contains("ran out of time with none failed (1 passed; running:"
                + " CudaBackendModelSuiteTest > pytorchGoldenSp())"), choice.reason());
        assertEquals("fast", KernelChoice.of(TestPhase.TIMED_OUT, true, new TestLog(java.util.List.of(
                PASSED_CONTRACT), java.util.Optional.empty(), false)).variant(), "ran out between two tests");
    }

    /** A kernel that hangs its contract test, or a test that failed before time ran out, is held against them. */
    @Test
    void aContractTestRunningWhenTimeRanOutCountsAsFailed() {
        var hungMatmul = new TestLog(java.util.List.of(PASSED_CONTRACT), java.util.Optional.of(
                "CudaBackendContractTest > matmulForward(TestInfo)"), false);
        assertEquals("baseline", KernelChoice.of(TestPhase.TIMED_OUT, true, hungMatmul).variant());
        var hungFused = new TestLog(java.util.List.of(PASSED_CONTRACT), java.util.Optional.of(
                "CudaBackendContractTest > fusedAttentionMatchesTheReferenceOnBf16Operands(TestInfo)"), false);
        assertEquals("fast-unfused", KernelChoice.of(TestPhase.TIMED_OUT, true, hungFused).variant());
        var failedThenSlow = new TestLog(java.util.List.of(new TestOutcome("CudaBackendContractTest > gelu(TestInfo)",
                TestOutcome.Status.FAILED, "out")), java.util.Optional.of("CudaBackendModelSuiteTest > sp()"), false);
        assertEquals("baseline", KernelChoice.of(TestPhase.TIMED_OUT, true, failedThenSlow).variant());
    }

    /** A child that died is not a slow suite: the test it died in counts as failed. */
    @Test
    void theTestRunningWhenTheChildCrashedCountsAsFailed() {
        var crashedInFused = new TestLog(java.util.List.of(PASSED_CONTRACT), java.util.Optional.of(
                "CudaBackendContractTest > float32FusedAttentionMatchesTheReference(TestInfo)"), false);
        assertEquals("fast-unfused", KernelChoice.of(TestPhase.CRASHED, true, crashedInFused).variant());
        var crashedInModel = new TestLog(java.util.List.of(PASSED_CONTRACT), java.util.Optional.of(
                "CudaBackendModelSuiteTest > sp()"), false);
        assertEquals("baseline", KernelChoice.of(TestPhase.CRASHED, true, crashedInModel).variant());
        assertEquals("fast", KernelChoice.of(TestPhase.PASSED, true, new TestLog(java.util.List.of(PASSED_CONTRACT),
                java.util.Optional.empty(), true)).variant());
        assertEquals("baseline", KernelChoice.of("did not run", true, new TestLog(java.util.List.of(),
                java.util.Optional.empty(), false)).variant());
    }

    /**
     * A test outside the device suites (a compiler's output read as text, a binding's bookkeeping) that fails on the
     * GPU machine's newer libraries says nothing against the kernels: the benches keep them, and the failure stays a
     * problem in the report. A device suite's failure still counts, whatever else failed.
     */
    @Test
    void onlyTheDeviceSuitesJudgeTheKernels() {
        TestOutcome model = new TestOutcome("CudaBackendModelSuiteTest > sp()", TestOutcome.Status.PASSED, "");
        TestOutcome compiler = new TestOutcome("KernelCompilationTest > compilesWithNvrtc(String, int) > [3] x.cu, 80",
                TestOutcome.Status.FAILED, "AssertionFailedError: no .entry");
        var othersFailed = new TestLog(java.util.List.of(PASSED_CONTRACT, model, compiler), java.util.Optional.empty(),
                true);
        KernelChoice choice = KernelChoice.of(Report.FAILED, true, othersFailed);
        assertEquals("fast", choice.variant());
        assertTrue(choice.reason().contains("passed their device suites (CudaBackendContractTest,"
                + " CudaBackendModelSuiteTest); the tests that failed after them (1) do not run the kernels"), choice.reason());
        assertTrue(KernelChoice.kernelsStand(Report.FAILED, othersFailed));

        var crashedAfter = new TestLog(java.util.List.of(PASSED_CONTRACT, model), java.util.Optional.of(
                "PtxCacheTest > reuse()"), false);
        assertEquals("fast", KernelChoice.of(TestPhase.CRASHED, true, crashedAfter).variant());
        assertTrue(KernelChoice.of(TestPhase.CRASHED, true, crashedAfter).reason().contains(
                "and PtxCacheTest > reuse(), running when the tests crashed"));

        var bothFailed = new TestLog(java.util.List.of(new TestOutcome("CudaBackendContractTest > gelu(TestInfo)",
                TestOutcome.Status.FAILED, "x"), model, compiler), java.util.Optional.empty(), true);
        assertEquals("baseline", KernelChoice.of(Report.FAILED, true, bothFailed).variant());
        assertFalse(KernelChoice.kernelsStand(Report.FAILED, bothFailed));
        var classFailed = new TestLog(java.util.List.of(new TestOutcome("CudaBackendModelSuiteTest",
                TestOutcome.Status.FAILED, "@BeforeAll"), compiler), java.util.Optional.empty(), true);
        assertEquals("baseline", KernelChoice.of(Report.FAILED, true, classFailed).variant(), "a class-level failure");
        var noDeviceSuites = new TestLog(java.util.List.of(compiler), java.util.Optional.empty(), true);
        assertEquals("baseline", KernelChoice.of(Report.FAILED, true, noDeviceSuites).variant(),
                "without the device suites' results nothing shows the kernels stand");
    }

    @Test
    void aFailedFastBenchIsRetriedOnBaselineOnlyWhenBaselinePassed() {
        assertTrue(KernelChoice.retryOnBaseline("fast", true));
        assertFalse(KernelChoice.retryOnBaseline("fast", false));
        assertFalse(KernelChoice.retryOnBaseline("baseline", true));
    }
}
