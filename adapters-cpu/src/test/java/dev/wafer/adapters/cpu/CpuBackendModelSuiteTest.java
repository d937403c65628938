package dev.wafer.adapters.cpu;

import org.junit.jupiter.api.AfterAll;

import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.suite.ModelSuite;

/** The CPU backend (Vector API, two workers) runs the whole model-level suite. */
class CpuBackendModelSuiteTest implements ModelSuite {
    private static final CpuBackend BACKEND = new CpuBackend(2, true);

    @Override
    public ComputeBackend backend() {
        return BACKEND;
    }

    @AfterAll
    static void close() {
        BACKEND.close();
    }
}
