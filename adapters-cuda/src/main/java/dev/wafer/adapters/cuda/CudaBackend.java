package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.AdamWKernel;
import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.CrossEntropyKernel;
import dev.wafer.ports.compute.EncoderKernel;
import dev.wafer.ports.compute.GeluKernel;
import dev.wafer.ports.compute.LayerNormKernel;
import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.ReductionKernel;
import dev.wafer.ports.compute.ResidualKernel;
import dev.wafer.ports.compute.TensorScope;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The CUDA backend: every kernel family in float32 on one NVIDIA device. Opening it loads the driver, NVRTC and
 * cuBLAS (every function bound up front), compiles the kernels for the device's architecture (or takes them from
 * the PTX cache) and creates the stream; closing it releases them. Tensors live in device memory owned by their
 * scopes; within a training step only token ids go to the device and only reduction results (the gradient norm's
 * sums of squares) come back. Mixed precision ({@link Capability#BF16}, {@link Capability#FP16}) rounds the
 * operands of matrix products and attention on the device and accumulates in float32 ({@link CudaMixedMatmul},
 * {@link TensorCoreMatmul}). The fast kernels also store bf16 tensors ({@link Capability#BF16_STORAGE}: written
 * through {@link Bf16Results}, read as tensor-core operands as stored); the baseline kernels keep every tensor float32.
 */
public final class CudaBackend implements ComputeBackend {
    /** The baseline kernels: every capability but bf16 tensor storage and fused attention (float32 tensors). */
    private static final Set<Capability> BASELINE_CAPABILITIES = Set.copyOf(EnumSet.complementOf(
            EnumSet.of(Capability.BF16_STORAGE, Capability.FUSED_ATTENTION, Capability.FUSED_ATTENTION_FP32)));
    /** The fast kernels: every capability, bf16 tensors and fused attention (bf16 and float32) included. */
    private static final Set<Capability> FAST_CAPABILITIES = Set.copyOf(EnumSet.allOf(Capability.class));
    /** The fast kernels without the fused attention ({@code WAFER_CUDA_KERNELS=fast-unfused}). */
    private static final Set<Capability> FAST_UNFUSED_CAPABILITIES = Set.copyOf(EnumSet.complementOf(
            EnumSet.of(Capability.FUSED_ATTENTION, Capability.FUSED_ATTENTION_FP32)));

    private final Gpu gpu;
    private final String description;
    private final CudaEncoder encoder;
    private final CudaLayerNorm layerNorm;
    private final CudaMatmul matmul;
    private final AttentionKernel attention;
    private final Map<OperandFormat, MatmulKernel> mixedMatmuls = new EnumMap<>(OperandFormat.class);
    /** Index 0: 16-bit score gradients, 1: float32 score gradients. */
    private final Map<OperandFormat, AttentionKernel[]> mixedAttention = new EnumMap<>(OperandFormat.class);
    private final CudaGelu gelu;
    private final CudaResidual residual;
    private final CudaCrossEntropy crossEntropy;
    private final CudaAdamW adamW;
    private final CudaReductions reductions;
    private final Set<Capability> capabilities;
    private volatile boolean closed;
    /** The fast kernels (with cuBLAS), not the baseline. */
    private final boolean fast;

    CudaBackend(Gpu gpu, String description) {
        this(gpu, description, false);
    }

    /**
     * @param baselineKernels the first kernels ({@link CudaAttention}, {@link CudaMixedMatmul}) instead of the fast
     *                        ones ({@link FastCudaAttention}, {@link TensorCoreMatmul}), which need cuBLAS
     */
    CudaBackend(Gpu gpu, String description, boolean baselineKernels) {
        this(gpu, description, baselineKernels, !baselineKernels);
    }

    /** @param fusedAttention with the fast kernels, whether bf16 runs may use the fused attention */
    CudaBackend(Gpu gpu, String description, boolean baselineKernels, boolean fusedAttention) {
        this.fast = !baselineKernels && gpu.hasBlas();
        this.gpu = gpu;
        this.description = description + ", " + (fast ? fusedAttention ? "fast" : "fast-unfused"
                : "baseline") + " kernels";
        this.capabilities = fast ? fusedAttention ? FAST_CAPABILITIES : FAST_UNFUSED_CAPABILITIES
                : BASELINE_CAPABILITIES;
        this.encoder = new CudaEncoder(gpu, fast);
        this.layerNorm = new CudaLayerNorm(gpu);
        this.matmul = new CudaMatmul(gpu, fast);
        this.attention = fast ? new FastCudaAttention(gpu, OperandFormat.FP32, true) : new CudaAttention(gpu);
        this.gelu = new CudaGelu(gpu, fast);
        this.residual = new CudaResidual(gpu);
        this.crossEntropy = new CudaCrossEntropy(gpu, fast);
        this.adamW = new CudaAdamW(gpu);
        this.reductions = new CudaReductions(gpu);
        for (OperandFormat f : EnumSet.of(OperandFormat.BF16, OperandFormat.FP16)) {
            mixedMatmuls.put(f, fast ? new TensorCoreMatmul(gpu, matmul, f) : new CudaMixedMatmul(gpu, matmul, f));
            mixedAttention.put(f, fast
                    ? new AttentionKernel[] {new FastCudaAttention(gpu, f, false), new FastCudaAttention(gpu, f, true)}
                    : new AttentionKernel[] {new CudaAttention(gpu, f, false), new CudaAttention(gpu, f, true)});
        }
    }

    /**
     * Opens the device and compiles (or loads) the kernels.
     *
     * @throws CudaUnavailableException when a library is missing or too old or the device cannot be used; its
     *                                  message and {@link CudaUnavailableException#remedy()} say why and what to do
     */
    public static CudaBackend open(CudaOptions options) {
        CudaGpu gpu = CudaGpu.open(options);
        return new CudaBackend(gpu, gpu.description(), options.baselineKernels(), options.fusedAttention());
    }

    /**
     * The capabilities a backend opened with {@code options} declares, known without opening it (for sizing a run):
     * bf16 tensor storage with the fast kernels only. A machine without cuBLAS refuses the fast kernels, so this is
     * what {@link #open(CudaOptions)} returns or nothing.
     */
    public static Set<Capability> declaredCapabilities(CudaOptions options) {
        return options.baselineKernels() ? BASELINE_CAPABILITIES
                : options.fusedAttention() ? FAST_CAPABILITIES : FAST_UNFUSED_CAPABILITIES;
    }

    /**
     * The device memory a backend opened with {@code options} keeps for itself during a training step of
     * {@code step} (its scratch buffers and token ids, {@link CudaWorkspace}, and cuBLAS's workspace unless the
     * built-in GEMM runs), known without opening it.
     */
    public static long workspaceBytes(CudaOptions options, dev.wafer.ports.compute.StepShape step) {
        return CudaWorkspace.bytes(options.baselineKernels(), step)
                + (options.builtinGemm() ? 0 : CublasApi.WORKSPACE_BYTES);
    }

    /** {@link #open(CudaOptions)} with the options of the environment ({@link CudaOptions#fromEnvironment()}). */
    public static CudaBackend open() {
        return open(CudaOptions.fromEnvironment());
    }

    /**
     * The device, its architecture, how the kernels were loaded, cuBLAS, whether TF32 is on and which kernels run.
     */
    @Override
    public String description() {
        // After a run it also says where the linear layers' biases were added (read by bench after its steps).
        return fast ? description + ", bias " + gpu.biasEpilogue() : description;
    }

    /** Waits until every queued kernel has finished (for timing, as the port says). */
    @Override
    public void synchronize() {
        gpu.synchronize();
    }

    @Override
    public String name() {
        return CudaBackendProbe.NAME;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public TensorScope openScope() {
        if (closed) {
            throw new IllegalStateException("the CUDA backend is closed");
        }
        return new CudaScope(gpu, () -> closed, capabilities.contains(Capability.BF16_STORAGE));
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
    public MatmulKernel matmul(OperandFormat operands) {
        return operands == OperandFormat.FP32 ? matmul : mixedMatmuls.get(operands);
    }

    @Override
    public AttentionKernel attention(OperandFormat operands, boolean fp32ScoreGradients) {
        return operands == OperandFormat.FP32 ? attention : mixedAttention.get(operands)[fp32ScoreGradients ? 1 : 0];
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

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            gpu.close();
        }
    }
}
