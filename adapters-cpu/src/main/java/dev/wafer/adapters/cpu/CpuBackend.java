package dev.wafer.adapters.cpu;

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
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.ReductionKernel;
import dev.wafer.ports.compute.ResidualKernel;
import dev.wafer.ports.compute.TensorScope;

/**
 * The CPU backend. Kernel objects are created once and reused; one caller drives the backend at a time (kernels
 * use per-worker scratch buffers). The kernels run on the Vector API, which needs the {@code jdk.incubator.vector}
 * module in the JVM ({@code --add-modules jdk.incubator.vector}); a backend asked for it where the module is missing
 * refuses to open ({@link #VECTOR_API_MISSING}) rather than run the scalar paths about 50 times slower unannounced.
 * Asked for the scalar paths ({@code useVectorApi = false}), every kernel runs them. Mixed precision (bf16 and
 * fp16 operands with float32 accumulation) rounds GEMM and attention operands into reusable buffers and runs the
 * float32 kernels on them, except bf16 linear layers where oneDNN loads ({@link OneDnnMatmul}: bf16 operands in
 * native buffers, oneDNN's AVX512_BF16 matmul); the float32 kernels are untouched by it. bf16 tensors ({@link Capability#BF16_STORAGE}) live in
 * native memory: the bf16 linear layers read them as stored, LayerNorm writes them directly, and GELU and attention
 * write them through {@link Bf16Output} (their float32 kernel into a scratch, then rounded), as does the bf16 matmul
 * for the QKV projection's output. After {@link #close} every operation, a kernel obtained before included, throws
 * {@link IllegalStateException} ("CPU backend is closed"), with one worker thread or many.
 */
public final class CpuBackend implements ComputeBackend {
    /** Every capability but fused attention (the CPU attention saves the probabilities). */
    private static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.complementOf(
            EnumSet.of(Capability.FUSED_ATTENTION, Capability.FUSED_ATTENTION_FP32)));

    private final Parallel parallel;
    private final boolean vectorized;
    private final Sgemm sgemm;
    private final CpuEncoder encoder;
    private final CpuLayerNorm layerNorm;
    private final CpuMatmul matmul;
    private final CpuAttention attention;
    private final CpuGelu gelu;
    private final CpuResidual residual;
    private final CpuCrossEntropy crossEntropy;
    private final CpuAdamW adamW;
    private final CpuReductions reductions;
    private final MatmulKernel bf16Matmul;
    private final Sgemm bf16Sgemm;
    private final String bf16GemmNote;
    private final CpuMixedMatmul fp16Matmul;
    /** 16-bit attention kernels, indexed by [format is FP16][float32 score gradients]. */
    private final CpuAttention[][] mixedAttention = new CpuAttention[2][2];
    // The kernels handed out: GELU, attention and the bf16 matmul wrapped so that their forward may write bf16.
    private final GeluKernel geluKernel;
    private final AttentionKernel attentionKernel;
    private final AttentionKernel[][] mixedAttentionKernels = new AttentionKernel[2][2];

    /** Why a backend asked for the Vector API kernels cannot open: the JVM lacks the module. */
    public static final String VECTOR_API_MISSING = "the Vector API module is not in this JVM (it was started without"
            + " --add-modules jdk.incubator.vector), and without it every CPU kernel runs its scalar path, about 50"
            + " times slower";

    /**
     * The most worker threads a backend takes: each worker holds its kernels' scratch buffers (hundreds of KiB) from
     * the start, ForkJoinPool refuses more than 32,767, and beyond a few per core more threads only contend.
     */
    public static final int MAX_THREADS = 1024;

    /**
     * @param threads      worker threads (1 = run on the caller); in [1, {@link #MAX_THREADS}]
     * @param useVectorApi run the Vector API kernels (true) or the scalar ones (false)
     * @throws IllegalArgumentException naming {@code threads}, its value and the range when it is outside
     *                                  [1, {@link #MAX_THREADS}]
     * @throws IllegalStateException with {@link #VECTOR_API_MISSING} when {@code useVectorApi} is true and the JVM
     *                               lacks the Vector API module ({@link #vectorApiAvailable()})
     */
    public CpuBackend(int threads, boolean useVectorApi) {
        this(threads, useVectorApi, Bf16Gemm.AUTO);
    }

    /**
     * @param threads      worker threads (1 = run on the caller); in [1, {@link #MAX_THREADS}]
     * @param useVectorApi run the Vector API kernels (true) or the scalar ones (false)
     * @param bf16Gemm     where bf16 matrix products come from; {@link Bf16Gemm#ONEDNN} fails here, with the reason,
     *                     when oneDNN cannot be loaded
     * @throws IllegalArgumentException naming {@code threads}, its value and the range when it is outside
     *                                  [1, {@link #MAX_THREADS}]
     * @throws IllegalStateException with {@link #VECTOR_API_MISSING} when {@code useVectorApi} is true and the JVM
     *                               lacks the Vector API module
     */
    public CpuBackend(int threads, boolean useVectorApi, Bf16Gemm bf16Gemm) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be in [1, " + MAX_THREADS + "], found " + threads);
        }
        if (useVectorApi && !vectorApiAvailable()) {
            throw new IllegalStateException(VECTOR_API_MISSING);
        }
        this.parallel = new Parallel(threads);
        this.vectorized = useVectorApi;
        this.sgemm = vectorized ? new VectorSgemm(parallel) : new ScalarSgemm(parallel);
        Blas1 blas = vectorized ? new VectorBlas1() : Blas1.SCALAR;
        this.encoder = new CpuEncoder(parallel);
        this.layerNorm = new CpuLayerNorm(parallel, vectorized);
        this.matmul = new CpuMatmul(sgemm, parallel);
        this.attention = new CpuAttention(parallel, blas, vectorized);
        this.gelu = new CpuGelu(parallel, vectorized);
        this.residual = new CpuResidual(parallel);
        this.crossEntropy = new CpuCrossEntropy(parallel, vectorized);
        this.adamW = new CpuAdamW(parallel);
        this.reductions = new CpuReductions(parallel);
        OneDnn.Loaded oneDnn = bf16Gemm == Bf16Gemm.EMULATED ? null : OneDnn.load();
        if (bf16Gemm == Bf16Gemm.ONEDNN && oneDnn.library().isEmpty()) {
            throw new IllegalStateException(oneDnn.reason());
        }
        Bf16Output bf16Output = new Bf16Output(parallel, vectorized);
        if (oneDnn != null && oneDnn.library().isPresent()) {
            OneDnnBf16Gemm oneDnnGemm = new OneDnnBf16Gemm(oneDnn.library().get(), parallel, vectorized);
            this.bf16Sgemm = oneDnnGemm;
            this.bf16Matmul = new Bf16OutputMatmul(new OneDnnMatmul(oneDnnGemm, matmul), bf16Output);
            this.bf16GemmNote = "";
        } else {
            this.bf16Sgemm = sgemm;
            this.bf16Matmul = new Bf16OutputMatmul(new CpuMixedMatmul(sgemm, parallel, matmul, OperandFormat.BF16),
                    bf16Output);
            this.bf16GemmNote = oneDnn == null ? "chosen" : oneDnn.reason();
        }
        this.fp16Matmul = new CpuMixedMatmul(sgemm, parallel, matmul, OperandFormat.FP16);
        for (int f = 0; f < 2; f++) {
            for (int g = 0; g < 2; g++) {
                mixedAttention[f][g] = new CpuAttention(parallel, blas, vectorized,
                        f == 1 ? OperandFormat.FP16 : OperandFormat.BF16, g == 1);
            }
        }
        this.geluKernel = new Bf16OutputGelu(gelu, bf16Output);
        this.attentionKernel = new Bf16OutputAttention(attention, bf16Output);
        for (int f = 0; f < 2; f++) {
            for (int g = 0; g < 2; g++) {
                mixedAttentionKernels[f][g] = new Bf16OutputAttention(mixedAttention[f][g], bf16Output);
            }
        }
    }

    /** What every CPU backend declares (all of it), known without opening one. */
    public static Set<Capability> declaredCapabilities() {
        return CAPABILITIES;
    }

    /**
     * A backend using every available processor (at most {@link #MAX_THREADS}) and the Vector API.
     *
     * @throws IllegalStateException with {@link #VECTOR_API_MISSING} when the JVM lacks the Vector API module
     */
    public static CpuBackend open() {
        return new CpuBackend(Math.min(Runtime.getRuntime().availableProcessors(), MAX_THREADS), true);
    }

    /** Whether the incubating Vector API module was given to this JVM ({@code --add-modules jdk.incubator.vector}). */
    public static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** Whether this instance runs the Vector API paths. */
    public boolean vectorized() {
        return vectorized;
    }

    /** Number of worker threads. */
    public int threads() {
        return parallel.workers();
    }

    /** Describes the GEMM in use, for benchmarks and logs. */
    public String gemmDescription() {
        return sgemm.describe();
    }

    /** Describes the bf16 GEMM: oneDNN's matmul, or the emulation on the float32 GEMM and why. */
    public String bf16GemmDescription() {
        return bf16Sgemm == sgemm ? "emulated on the float32 GEMM (" + bf16GemmNote + ")" : bf16Sgemm.describe();
    }

    /**
     * The GEMM the products of a step at {@code operands} run on: the float32 GEMM, or the bf16 one (oneDNN's, or
     * the float32 GEMM emulating it); {@link GemmBenchmark#peak} times it.
     */
    Sgemm gemm(OperandFormat operands) {
        return operands == OperandFormat.BF16 ? bf16Sgemm : sgemm;
    }

    @Override
    public String name() {
        return "cpu";
    }

    /** Threads, the float32 GEMM and the bf16 GEMM (after a bf16 run: oneDNN's chosen kernel). */
    @Override
    public String description() {
        return "cpu: " + threads() + " threads, GEMM " + gemmDescription() + ", bf16 GEMM " + bf16GemmDescription();
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public TensorScope openScope() {
        parallel.requireOpen();
        return new CpuScope(parallel);
    }

    @Override
    public EncoderKernel encoder() {
        parallel.requireOpen();
        return encoder;
    }

    @Override
    public LayerNormKernel layerNorm() {
        parallel.requireOpen();
        return layerNorm;
    }

    @Override
    public MatmulKernel matmul() {
        parallel.requireOpen();
        return matmul;
    }

    @Override
    public AttentionKernel attention() {
        parallel.requireOpen();
        return attentionKernel;
    }

    @Override
    public MatmulKernel matmul(OperandFormat operands) {
        parallel.requireOpen();
        return switch (operands) {
            case FP32 -> matmul;
            case BF16 -> bf16Matmul;
            case FP16 -> fp16Matmul;
        };
    }

    @Override
    public AttentionKernel attention(OperandFormat operands, boolean fp32ScoreGradients) {
        parallel.requireOpen();
        if (operands == OperandFormat.FP32) {
            return attentionKernel;
        }
        return mixedAttentionKernels[operands == OperandFormat.FP16 ? 1 : 0][fp32ScoreGradients ? 1 : 0];
    }

    @Override
    public GeluKernel gelu() {
        parallel.requireOpen();
        return geluKernel;
    }

    @Override
    public ResidualKernel residual() {
        parallel.requireOpen();
        return residual;
    }

    @Override
    public CrossEntropyKernel crossEntropy() {
        parallel.requireOpen();
        return crossEntropy;
    }

    @Override
    public AdamWKernel adamW() {
        parallel.requireOpen();
        return adamW;
    }

    @Override
    public ReductionKernel reductions() {
        parallel.requireOpen();
        return reductions;
    }

    /** Shuts the workers down; from then on every kernel call and accessor throws IllegalStateException. */
    @Override
    public void close() {
        parallel.close();
    }
}
