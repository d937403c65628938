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

    @Test
    void aFailedFastBenchIsRetriedOnBaselineOnlyWhenBaselinePassed() {
        assertTrue(KernelChoice.retryOnBaseline("fast", true));
        assertFalse(KernelChoice.retryOnBaseline("fast", false));
        assertFalse(KernelChoice.retryOnBaseline("baseline", true));
    }
}
