package dev.wafer.conformance;

import java.util.EnumSet;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.ComputeBackend;

/** A backend declaring only some capabilities: undeclared families fail up front, their tests are skipped. */
class PartialBackendContractTest implements ComputeBackendContract {
    private static final ComputeBackend BACKEND =
            new ReferenceBackend(EnumSet.of(Capability.MATMUL, Capability.GELU, Capability.REDUCTIONS));

    @Override
    public ComputeBackend backend() {
        return BACKEND;
    }
}
