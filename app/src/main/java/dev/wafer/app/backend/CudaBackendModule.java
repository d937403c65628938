package dev.wafer.app.backend;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.wafer.adapters.cuda.CudaBackendProbe;
import dev.wafer.ports.backend.BackendProbe;

/** Wires the CUDA backend (NVIDIA driver through the FFM API). */
public final class CudaBackendModule extends AbstractModule implements BackendModule {

    @Override
    public String name() {
        return CudaBackendProbe.NAME;
    }

    @Provides
    @Override
    public BackendProbe probe() {
        return new CudaBackendProbe();
    }
}
