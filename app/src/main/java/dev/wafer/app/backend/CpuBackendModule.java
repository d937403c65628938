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

    /** Environment variable choosing the bf16 GEMM: {@code auto} (default), {@code onednn} or {@code emulated}. */
    public static final String BF16_GEMM_ENV = "WAFER_CPU_BF16_GEMM";

    /** Opens the Vector API kernels on every core, with the bf16 GEMM {@value #BF16_GEMM_ENV} asks for. */
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

    private static ComputeBackend openBackend() {
        String choice = System.getenv(BF16_GEMM_ENV);
        Bf16Gemm gemm;
        try {
            gemm = choice == null || choice.isBlank() ? Bf16Gemm.AUTO : Bf16Gemm.parse(choice, BF16_GEMM_ENV);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
        try {
            return new CpuBackend(Runtime.getRuntime().availableProcessors(), true, gemm);
        } catch (IllegalStateException e) {
            throw new BackendUnavailableException(CpuBackendProbe.NAME, BackendAvailability.unavailable(
                    BF16_GEMM_ENV + "=onednn, but " + e.getMessage(), "Unset " + BF16_GEMM_ENV));
        }
    }
}
