package dev.wafer.app.backend;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.wafer.adapters.cpu.CpuBackendProbe;
import dev.wafer.ports.backend.BackendProbe;
import dev.wafer.ports.compute.ComputeBackendFactory;
import dev.wafer.adapters.cpu.CpuBackend;

/** Wires the CPU backend: pure-Java kernels, always available. */
public final class CpuBackendModule extends AbstractModule implements BackendModule {

    @Override
    public String name() {
        return CpuBackendProbe.NAME;
    }

    @Provides
    @Override
    public BackendProbe probe() {
        return new CpuBackendProbe();
    }

    /** Opens the Vector API kernels on every core. */
    @Provides
    ComputeBackendFactory computeBackends() {
        return CpuBackend::open;
    }
}
