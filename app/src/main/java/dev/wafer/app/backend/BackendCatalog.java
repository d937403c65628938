package dev.wafer.app.backend;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every backend this build knows, in the order users see them. Passed around as a value (not a
 * static registry) so that tests can substitute backends with fake probes.
 */
public final class BackendCatalog {
    private final Map<String, BackendModule> byName = new LinkedHashMap<>();

    private BackendCatalog(List<? extends BackendModule> backends) {
        for (BackendModule backend : backends) {
            if (byName.putIfAbsent(backend.name(), backend) != null) {
                throw new IllegalArgumentException("two backends are named '" + backend.name() + "'");
            }
        }
        if (byName.isEmpty()) {
            throw new IllegalArgumentException("a catalogue needs at least one backend");
        }
    }

    /**
     * The backends Wafer ships: cpu, opencl, cuda (the CPU kernels and bf16 GEMM from {@code WAFER_CPU_KERNELS} and
     * {@code WAFER_CPU_BF16_GEMM}, the OpenCL device from {@code WAFER_OPENCL_DEVICE}, the CUDA one
     * from {@code WAFER_CUDA_DEVICE} or the local rank).
     */
    public static BackendCatalog standard() {
        return standard(System.getenv());
    }

    /** The backends Wafer ships, configured from {@code env}. */
    public static BackendCatalog standard(Map<String, String> env) {
        return of(List.of(new CpuBackendModule(env),
                new OpenClBackendModule(env.getOrDefault(OpenClBackendModule.DEVICE_VARIABLE, "")),
                new CudaBackendModule(env)));
    }

    /** A catalogue of the given backends, in this order; names must be unique. */
    public static BackendCatalog of(List<? extends BackendModule> backends) {
        return new BackendCatalog(backends);
    }

    /** All backends, in catalogue order. */
    public List<BackendModule> all() {
        return List.copyOf(byName.values());
    }

    /** The names of all backends, in catalogue order. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** The backend with this exact name, if any. */
    public Optional<BackendModule> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
