package dev.wafer.conformance;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.ports.compute.ComputeBackend;

/** The reference backend passes its own contract: a check of the suite's plumbing and of the FD checks. */
class ReferenceBackendContractTest implements ComputeBackendContract {
    private static final ComputeBackend BACKEND = new ReferenceBackend();

    @Override
    public ComputeBackend backend() {
        return BACKEND;
    }
}
