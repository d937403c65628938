package dev.wafer.adapters.cpu;

import dev.wafer.ports.backend.BackendAvailability;
import dev.wafer.ports.backend.BackendProbe;

/**
 * Reports the CPU backend: always available, since it needs nothing beyond the JVM. The detail
 * names the cores the JVM may use (which may be fewer than the machine has, e.g. in a container),
 * because that bounds how fast the CPU kernels can be.
 */
public final class CpuBackendProbe implements BackendProbe {
    /** The name users select this backend by. */
    public static final String NAME = "cpu";

    private final int cores;

    /** A probe of the CPU this JVM runs on. */
    public CpuBackendProbe() {
        this(Runtime.getRuntime().availableProcessors());
    }

    CpuBackendProbe(int cores) {
        this.cores = cores;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BackendAvailability probe() {
        String arch = System.getProperty("os.arch", "unknown architecture");
        OneDnn.Loaded oneDnn = OneDnn.load();
        String bf16 = oneDnn.library().map(l -> "bf16 GEMM on oneDNN " + l.versionString())
                .orElse("bf16 GEMM emulated on the float32 GEMM: " + oneDnn.reason());
        return BackendAvailability.available(cores + (cores == 1 ? " core" : " cores") + " (" + arch + "), " + bf16);
    }
}
