package dev.wafer.app.backend;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.wafer.adapters.opencl.OpenClBackendProbe;
import dev.wafer.ports.backend.BackendProbe;

/** Wires the OpenCL backend (Aparapi). */
public final class OpenClBackendModule extends AbstractModule implements BackendModule {

    @Override
    public String name() {
        return OpenClBackendProbe.NAME;
    }

    @Provides
    @Override
    public BackendProbe probe() {
        return new OpenClBackendProbe();
    }
}
