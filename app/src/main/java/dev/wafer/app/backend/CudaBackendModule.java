package dev.wafer.app.backend;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.wafer.adapters.cuda.CudaBackend;
import dev.wafer.adapters.cuda.CudaBackendProbe;
import dev.wafer.adapters.cuda.CudaOptions;
import dev.wafer.adapters.cuda.CudaUnavailableException;
import dev.wafer.app.cluster.Cluster;
import dev.wafer.formats.input.InvalidInputException;
import dev.wafer.ports.backend.BackendAvailability;
import dev.wafer.ports.backend.BackendProbe;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.ComputeBackendFactory;
import dev.wafer.ports.compute.StepShape;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Wires the CUDA backend (NVIDIA driver, NVRTC and cuBLAS through the FFM API). The device, the PTX cache and TF32
 * come from the environment ({@code WAFER_CUDA_DEVICE}, {@code WAFER_CUDA_CACHE}, {@code WAFER_CUDA_TF32}); a rank of
 * a job launched several to a machine opens its local rank's device unless {@code WAFER_CUDA_DEVICE} says otherwise.
 */
public final class CudaBackendModule extends AbstractModule implements BackendModule {
    private final Supplier<CudaOptions> options;

    /** Options from the process environment, read when a backend is opened. */
    public CudaBackendModule() {
        this(System.getenv());
    }

    /** Options from {@code env}, placed on the device of this process's local rank when launched as a job. */
    public CudaBackendModule(Map<String, String> env) {
        this(() -> {
            Cluster cluster = new Cluster(env);
            return CudaOptions.fromEnvironment(env).onLocalRank(cluster.localRank(), cluster.localRanks());
        });
    }

    CudaBackendModule(Supplier<CudaOptions> options) {
        this.options = () -> {
            try {
                return options.get();
            } catch (IllegalArgumentException e) {
                // A mistyped WAFER_CUDA_* value is the user's to fix (exit 2, naming the variable), as a bad
                // WAFER_OPENCL_DEVICE is; it was reported as an unavailable device with WAFER_CUDA_DEVICE's advice.
                throw e instanceof InvalidInputException ? e : new InvalidInputException(e.getMessage());
            }
        };
    }

    @Override
    public String name() {
        return CudaBackendProbe.NAME;
    }

    /**
     * The probe of the device the settings place this process on, with the libraries they need.
     *
     * @throws InvalidInputException when a {@code WAFER_CUDA_*} variable cannot be read
     */
    @Provides
    @Override
    public BackendProbe probe() {
        CudaOptions read = options.get();
        return new CudaBackendProbe(() -> read);
    }

    /**
     * Opens the device. A machine where it cannot run (no driver or device, NVRTC or cuBLAS missing or too old) is
     * refused with one line naming what is missing and what to do, as for an unavailable probe.
     */
    @Provides
    ComputeBackendFactory computeBackends() {
        return new ComputeBackendFactory() {
            @Override
            public ComputeBackend open() {
                try {
                    return CudaBackend.open(options.get());
                } catch (CudaUnavailableException e) {
                    throw new BackendUnavailableException(CudaBackendProbe.NAME,
                            BackendAvailability.unavailable(e.getMessage(), e.remedy()));
                }
            }

            /**
             * What the configured kernels declare (bf16 tensors with the fast ones), so that a dry run and the
             * default micro-batch size bf16 activations as the backend will store them. Settings that cannot be read
             * are refused, as opening the backend refuses them.
             */
            @Override
            public Set<Capability> declaredCapabilities() {
                return CudaBackend.declaredCapabilities(options.get());
            }

            /** The fast kernels store bf16 tensors: only the baseline ones, and why they run, are named. */
            @Override
            public String float32StorageNote() {
                CudaOptions o = options.get();
                return !o.baselineKernels() ? "" : "the baseline CUDA kernels that " + (o.builtinGemm()
                        ? CudaOptions.GEMM_VARIABLE + "=builtin runs" : CudaOptions.KERNELS_VARIABLE + "=baseline chooses")
                        + " store float32 tensors only";
            }

            /**
             * The scratch buffers and token ids the configured kernels keep on the device during a step, so that a
             * run is sized with them. Settings that cannot be read are refused, as opening the backend refuses them.
             */
            @Override
            public long workspaceBytes(StepShape step) {
                return CudaBackend.workspaceBytes(options.get(), step);
            }
        };
    }
}
