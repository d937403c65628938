package dev.wafer.app.backend;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.wafer.adapters.cpu.CpuBackendProbe;
import dev.wafer.ports.backend.BackendProbe;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.ComputeBackendFactory;
import dev.wafer.adapters.cpu.Bf16Gemm;
import dev.wafer.adapters.cpu.CpuBackend;
import dev.wafer.formats.input.InvalidInputException;
import dev.wafer.ports.backend.BackendAvailability;
import java.util.Map;

/**
 * Wires the CPU backend: pure-Java kernels on the Vector API, or the scalar ones when {@value #KERNELS_ENV} asks for
 * them. Without the Vector API module in the JVM the Vector kernels cannot run, and the backend says so instead of
 * running the scalar paths about 50 times slower unasked.
 */
public final class CpuBackendModule extends AbstractModule implements BackendModule {
    /** Environment variable choosing the CPU kernels: {@code vector} (default) or {@code scalar}. */
    public static final String KERNELS_ENV = "WAFER_CPU_KERNELS";

    private final Map<String, String> env;

    /** Settings from the process environment. */
    public CpuBackendModule() {
        this(System.getenv());
    }

    /** Settings ({@value #KERNELS_ENV}, {@value #BF16_GEMM_ENV}) from {@code env}. */
    public CpuBackendModule(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public String name() {
        return CpuBackendProbe.NAME;
    }

    /**
     * Reports the kernels and the bf16 GEMM the settings choose, as the backend will open them.
     *
     * @throws InvalidInputException when {@value #KERNELS_ENV} or {@value #BF16_GEMM_ENV} cannot be read
     */
    @Provides
    @Override
    public BackendProbe probe() {
        return new CpuBackendProbe(vectorKernels(), KERNELS_ENV + "=scalar", bf16Gemm(), BF16_GEMM_ENV);
    }

    /** Whether {@value #KERNELS_ENV} asks for the Vector API kernels (unset: yes). */
    boolean vectorKernels() {
        String choice = env.get(KERNELS_ENV);
        if (choice == null || choice.isBlank() || choice.strip().equals("vector")) {
            return true;
        }
        if (choice.strip().equals("scalar")) {
            return false;
        }
        throw new InvalidInputException(KERNELS_ENV + " must be vector or scalar, found '" + choice + "'");
    }

    /** Environment variable choosing the bf16 GEMM: {@code auto} (default), {@code onednn} or {@code emulated}. */
    public static final String BF16_GEMM_ENV = "WAFER_CPU_BF16_GEMM";

    /** Opens the kernels {@value #KERNELS_ENV} asks for on every core, with the bf16 GEMM of {@value #BF16_GEMM_ENV}. */
    @Provides
    ComputeBackendFactory computeBackends() {
        // Declares its capabilities, so that runs are sized for bf16 activation storage before the backend opens.
        return new ComputeBackendFactory() {
            @Override
            public ComputeBackend open() {
                return openBackend();
            }

            @Override
            public java.util.Set<dev.wafer.ports.compute.Capability> declaredCapabilities() {
                return CpuBackend.declaredCapabilities();
            }
        };
    }

    /** The bf16 GEMM {@value #BF16_GEMM_ENV} asks for (unset: auto). */
    Bf16Gemm bf16Gemm() {
        String choice = env.get(BF16_GEMM_ENV);
        try {
            return choice == null || choice.isBlank() ? Bf16Gemm.AUTO : Bf16Gemm.parse(choice, BF16_GEMM_ENV);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }

    private ComputeBackend openBackend() {
        Bf16Gemm gemm = bf16Gemm();
        try {
            return new CpuBackend(Math.min(Runtime.getRuntime().availableProcessors(), CpuBackend.MAX_THREADS),
                    vectorKernels(), gemm);
        } catch (IllegalStateException e) {
            throw new BackendUnavailableException(CpuBackendProbe.NAME, BackendAvailability.unavailable(
                    BF16_GEMM_ENV + "=onednn, but " + e.getMessage(), "Unset " + BF16_GEMM_ENV));
        }
    }
}
