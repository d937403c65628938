package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The GPU check's test phases leave out the simulator's suites and keep every GPU suite. */
class TestChildTest {
    @Test
    void theSimulatorSuitesAreLeftOutAndTheGpuSuitesKept() {
        String p = "dev.wafer.adapters.cuda.";
        for (String left : new String[] {"SimulatedCudaContractTest", "SimulatedDriverModelSuiteTest",
                "SimulatedOrderTest", "StandInCudaContractTest", "CudaSimulatorTest"}) {
            assertTrue((p + left).matches(TestChild.SIMULATED), left);
        }
        for (String kept : new String[] {"CudaBackendContractTest", "CudaBackendModelSuiteTest", "FfmCallsTest",
                "KernelCompilationTest"}) {
            assertFalse((p + kept).matches(TestChild.SIMULATED), kept);
        }
    }
}
