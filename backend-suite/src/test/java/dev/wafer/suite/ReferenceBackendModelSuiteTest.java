package dev.wafer.suite;

import org.junit.jupiter.api.AfterAll;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.ports.compute.ComputeBackend;

/**
 * The reference backend runs the whole model suite: the golden files and the coordinate check hold it to PyTorch
 * and to the muP property; its 20-step run is the oracle, so that comparison here checks only that the run is
 * deterministic and trains.
 */
class ReferenceBackendModelSuiteTest implements ModelSuite {
    private static final ReferenceBackend BACKEND = new ReferenceBackend();

    @Override
    public ComputeBackend backend() {
        return BACKEND;
    }

    @AfterAll
    static void close() {
        BACKEND.close();
    }
}
