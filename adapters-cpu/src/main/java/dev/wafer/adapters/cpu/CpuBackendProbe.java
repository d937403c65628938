package dev.wafer.adapters.cpu;

import dev.wafer.ports.backend.BackendAvailability;
import dev.wafer.ports.backend.BackendProbe;

/**
 * Reports the CPU backend: available wherever the JVM holds the Vector API module, and everywhere for the scalar
 * kernels. The detail names the cores the JVM may use (which may be fewer than the machine has, e.g. in a
 * container), because that bounds how fast the CPU kernels can be.
 */
public final class CpuBackendProbe implements BackendProbe {
    /** The name users select this backend by. */
    public static final String NAME = "cpu";

    /** What to do when the Vector API kernels are asked for and the module is missing. */
    public static final String VECTOR_API_REMEDY = "Start java with --add-modules jdk.incubator.vector (the wafer"
            + " launcher does)";

    private final int cores;
    private final boolean vectorKernels;
    private final boolean vectorApiPresent;
    private final String scalarSwitch;

    /** A probe of the CPU this JVM runs on, for the Vector API kernels. */
    public CpuBackendProbe() {
        this(true, "");
    }

    /**
     * A probe of the CPU this JVM runs on.
     *
     * @param vectorKernels whether the backend will run the Vector API kernels (true) or the scalar ones (false)
     * @param scalarSwitch  how the caller's users ask for the scalar kernels (e.g. an environment setting), added to
     *                      the remedy when the Vector API is missing; empty for none
     */
    public CpuBackendProbe(boolean vectorKernels, String scalarSwitch) {
        this(Runtime.getRuntime().availableProcessors(), vectorKernels, CpuBackend.vectorApiAvailable(), scalarSwitch);
    }

    CpuBackendProbe(int cores) {
        this(cores, true, true, "");
    }

    CpuBackendProbe(int cores, boolean vectorKernels, boolean vectorApiPresent, String scalarSwitch) {
        this.cores = cores;
        this.vectorKernels = vectorKernels;
        this.vectorApiPresent = vectorApiPresent;
        this.scalarSwitch = scalarSwitch;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BackendAvailability probe() {
        if (vectorKernels && !vectorApiPresent) {
            return BackendAvailability.unavailable(CpuBackend.VECTOR_API_MISSING, VECTOR_API_REMEDY
                    + (scalarSwitch.isEmpty() ? "" : ", or set " + scalarSwitch + " to run the scalar kernels anyway"));
        }
        String arch = System.getProperty("os.arch", "unknown architecture");
        OneDnn.Loaded oneDnn = OneDnn.load();
        String bf16 = oneDnn.library().map(l -> "bf16 GEMM on oneDNN " + l.versionString())
                .orElse("bf16 GEMM emulated on the float32 GEMM: " + oneDnn.reason());
        return BackendAvailability.available(cores + (cores == 1 ? " core" : " cores") + " (" + arch + "), " + bf16
                + (vectorKernels ? "" : ", scalar kernels (no Vector API)"));
    }
}
