package dev.wafer.adapters.opencl;

import java.util.EnumSet;
import java.util.Set;

import dev.wafer.ports.compute.AdamWKernel;
import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.CrossEntropyKernel;
import dev.wafer.ports.compute.EncoderKernel;
import dev.wafer.ports.compute.GeluKernel;
import dev.wafer.ports.compute.LayerNormKernel;
import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.ReductionKernel;
import dev.wafer.ports.compute.ResidualKernel;
import dev.wafer.ports.compute.TensorScope;

/**
 * The OpenCL backend (Aparapi). Opening it selects a device ({@link ClDeviceSelector}), compiles every kernel for
 * it once (a few seconds on PoCL) and allocates the device arena; closing it releases them. All tensors of all
 * scopes live in the arena on the device; only token/target ids, explicit host copies and reduction results cross
 * to the host. A kernel that Aparapi would run anywhere but on the selected OpenCL device fails with
 * {@link ClFallbackException} instead.
 *
 * <p>Requires work-groups of at least 256 items; no double-precision support (the program has no double arithmetic,
 * see the package's precision notes). One caller drives the backend at a time.
 */
public final class ClBackend implements ComputeBackend {
    /** Every kernel family in float32; mixed precision ({@link Capability#BF16}, {@link Capability#FP16}) is absent. */
    private static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.complementOf(
            EnumSet.of(Capability.BF16, Capability.FP16, Capability.BF16_STORAGE, Capability.FUSED_ATTENTION,
                    Capability.FUSED_ATTENTION_FP32)));

    private final ClRuntime runtime;
    private final ClEncoder encoder;
    private final ClLayerNorm layerNorm;
    private final ClMatmul matmul;
    private final ClAttention attention;
    private final ClGelu gelu;
    private final ClResidual residual;
    private final ClCrossEntropy crossEntropy;
    private final ClAdamW adamW;
    private final ClReductions reductions;

    /**
     * Opens the selected device with the default initial arena (64 MiB; it grows on demand).
     *
     * @throws ClUnavailableException when no platform exists or nothing matches the selection
     * @throws ClFallbackException when the kernels do not compile for the device
     */
    public ClBackend(ClDeviceSelector selector) {
        this(selector, ClRuntime.DEFAULT_ARENA);
    }

    /** As {@link #ClBackend(ClDeviceSelector)} with an initial arena of {@code initialArenaFloats} floats. */
    ClBackend(ClDeviceSelector selector, int initialArenaFloats) {
        this.runtime = new ClRuntime(selector.select(), initialArenaFloats);
        this.encoder = new ClEncoder(runtime);
        this.layerNorm = new ClLayerNorm(runtime);
        this.matmul = new ClMatmul(runtime);
        this.attention = new ClAttention(runtime);
        this.gelu = new ClGelu(runtime);
        this.residual = new ClResidual(runtime);
        this.crossEntropy = new ClCrossEntropy(runtime);
        this.adamW = new ClAdamW(runtime);
        this.reductions = new ClReductions(runtime);
    }

    /** The first device of the first platform. */
    public static ClBackend open() {
        return new ClBackend(ClDeviceSelector.FIRST);
    }

    /** The device named by a selection string such as {@code "platform=0,device=gpu"} (see {@link ClDeviceSelector#parse}). */
    public static ClBackend open(String selection) {
        return new ClBackend(ClDeviceSelector.parse(selection));
    }

    /** The selected device, e.g. {@code pthread-skylake-avx512-AMD EPYC ... (CPU)}. */
    public String deviceName() {
        return runtime.deviceName();
    }

    /** Floats allocated on the device now (all open scopes plus backend scratch). */
    public long allocatedFloats() {
        return runtime.usedFloats();
    }

    @Override
    public String name() {
        return "opencl";
    }

    /**
     * E.g. {@code opencl: pthread-skylake-avx512-AMD EPYC (CPU), OpenCL 3.0 PoCL 3.1+debian ..., 2 compute units,
     * ...}.
     */
    @Override
    public String description() {
        return name() + ": " + runtime.deviceDetail();
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    /**
     * What every OpenCL backend declares, known without opening one (for sizing and checking a run before the device
     * opens): float32 only, no fused attention.
     */
    public static Set<Capability> declaredCapabilities() {
        return CAPABILITIES;
    }

    @Override
    public TensorScope openScope() {
        if (runtime.isClosed()) {
            throw new IllegalStateException("the OpenCL backend is closed");
        }
        return new ClScope(runtime);
    }

    @Override
    public EncoderKernel encoder() {
        return encoder;
    }

    @Override
    public LayerNormKernel layerNorm() {
        return layerNorm;
    }

    @Override
    public MatmulKernel matmul() {
        return matmul;
    }

    @Override
    public AttentionKernel attention() {
        return attention;
    }

    @Override
    public GeluKernel gelu() {
        return gelu;
    }

    @Override
    public ResidualKernel residual() {
        return residual;
    }

    @Override
    public CrossEntropyKernel crossEntropy() {
        return crossEntropy;
    }

    @Override
    public AdamWKernel adamW() {
        return adamW;
    }

    @Override
    public ReductionKernel reductions() {
        return reductions;
    }

    /** The runtime, for tests in this package. */
    ClRuntime runtime() {
        return runtime;
    }

    @Override
    public void close() {
        runtime.close();
    }
}
