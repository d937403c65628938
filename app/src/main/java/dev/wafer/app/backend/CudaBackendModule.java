package dev.wafer.app.backend;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.wafer.adapters.cuda.CudaBackendProbe;
import dev.wafer.ports.backend.BackendAvailability;
import dev.wafer.ports.backend.BackendProbe;
import dev.wafer.ports.compute.ComputeBackendFactory;

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

    /**
     * The CUDA adapter detects the driver and devices but ships no kernels yet, so computing commands refuse it
     * with a one-line reason instead of failing later.
     */
    @Provides
    ComputeBackendFactory computeBackends() {
        return () -> {
            throw new BackendUnavailableException(CudaBackendProbe.NAME, BackendAvailability.unavailable(
                    "this release has CUDA device detection but no CUDA kernels yet",
                    "Use --backend opencl for an accelerator"));
        };
    }
}
