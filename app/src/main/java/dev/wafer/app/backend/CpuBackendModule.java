package dev.wafer.app.backend;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.wafer.adapters.cpu.CpuBackendProbe;
import dev.wafer.ports.backend.BackendProbe;

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
}
