package dev.wafer.adapters.cpu;

import org.junit.jupiter.api.AfterAll;

import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.suite.ActivationStorageContract;

/**
 * bf16 activation storage on the emulated bf16 GEMM (no oneDNN): the bf16 input is widened into the float32 GEMM's
 * operand buffer instead of rounded there, so the run is bit for bit the float32-storage one.
 * ({@link CpuBackendModelSuiteTest} runs the same contract on oneDNN where it loads.)
 */
class CpuEmulatedBf16StorageTest implements ActivationStorageContract {
    private static final CpuBackend BACKEND = new CpuBackend(2, true, Bf16Gemm.EMULATED);

    @Override
    public ComputeBackend backend() {
        return BACKEND;
    }

    @AfterAll
    static void close() {
        BACKEND.close();
    }
}
