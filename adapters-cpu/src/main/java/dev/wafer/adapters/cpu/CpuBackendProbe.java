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
    private final Bf16Gemm bf16Gemm;
    private final String bf16Switch;

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
        this(vectorKernels, scalarSwitch, Bf16Gemm.AUTO, "");
    }

    /**
     * A probe of the CPU this JVM runs on, with the bf16 GEMM the backend will be opened with.
     *
     * @param vectorKernels as in {@link #CpuBackendProbe(boolean, String)}
     * @param scalarSwitch  as in {@link #CpuBackendProbe(boolean, String)}
     * @param bf16Gemm      the bf16 GEMM asked for: {@link Bf16Gemm#ONEDNN} without oneDNN is unavailable
     * @param bf16Switch    how the caller's users choose it (e.g. an environment variable), named in the report
     */
    public CpuBackendProbe(boolean vectorKernels, String scalarSwitch, Bf16Gemm bf16Gemm, String bf16Switch) {
        this(Runtime.getRuntime().availableProcessors(), vectorKernels, CpuBackend.vectorApiAvailable(), scalarSwitch,
                bf16Gemm, bf16Switch);
    }

    CpuBackendProbe(int cores) {
        this(cores, true, true, "");
    }

    CpuBackendProbe(int cores, boolean vectorKernels, boolean vectorApiPresent, String scalarSwitch) {
        this(cores, vectorKernels, vectorApiPresent, scalarSwitch, Bf16Gemm.AUTO, "");
    }

    CpuBackendProbe(int cores, boolean vectorKernels, boolean vectorApiPresent, String scalarSwitch,
                    Bf16Gemm bf16Gemm, String bf16Switch) {
        this.cores = cores;
        this.vectorKernels = vectorKernels;
        this.vectorApiPresent = vectorApiPresent;
        this.scalarSwitch = scalarSwitch;
        this.bf16Gemm = bf16Gemm;
        this.bf16Switch = bf16Switch;
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
        String bf16;
        if (bf16Gemm == Bf16Gemm.EMULATED) {
            // As the backend: chosen, so oneDNN is not even loaded.
            bf16 = "bf16 GEMM emulated on the float32 GEMM (" + (bf16Switch.isEmpty() ? "chosen"
                    : bf16Switch + "=emulated") + ")";
        } else {
            OneDnn.Loaded oneDnn = OneDnn.load();
            if (bf16Gemm == Bf16Gemm.ONEDNN && oneDnn.library().isEmpty()) {
                String asked = bf16Switch.isEmpty() ? "the oneDNN bf16 GEMM was asked for" : bf16Switch + "=onednn";
                return BackendAvailability.unavailable(asked + ", but " + oneDnn.reason(),
                        bf16Switch.isEmpty() ? "Ask for the auto bf16 GEMM" : "Unset " + bf16Switch);
            }
            bf16 = oneDnn.library().map(l -> "bf16 GEMM on oneDNN " + l.versionString())
                    .orElse("bf16 GEMM emulated on the float32 GEMM: " + oneDnn.reason());
        }
        return BackendAvailability.available(cores + (cores == 1 ? " core" : " cores") + " (" + arch + "), " + bf16
                + (vectorKernels ? "" : ", scalar kernels (no Vector API)"));
    }
}
