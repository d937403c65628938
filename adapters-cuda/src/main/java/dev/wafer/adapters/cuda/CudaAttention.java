package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;

/**
 * Causal multi-head attention in two launches each way, as the OpenCL backend does it. Forward: scores + softmax
 * per (b, h, row), then the weighted sum of values per output element. Backward: the score gradient per (b, h,
 * row) into a (B, NH, T, T) scratch buffer, then every element of dqkv gathered by one thread, so nothing races
 * and dqkv is written, not accumulated. Cached decoding stays on the device: two copies into the caches and one
 * launch.
 *
 * <p>Under mixed precision Q, K, V (and, backward, the output gradient) are rounded into scratch copies on entry,
 * the softmax runs in float32 and rounds the probabilities it saves, and the score gradient is rounded unless
 * float32 score gradients are asked for; every product then accumulates in float32, as the CPU backend does it.
 * Cached decoding stays float32, as on the CPU backend.
 */
final class CudaAttention implements AttentionKernel {
    /** The scratch slot of the score gradient. */
    static final int SCORE_GRADIENT_SLOT = 0;
    static final int QKV_SLOT = 6;
    static final int GRADIENT_SLOT = 7;

    private final Gpu gpu;
    /** {@code null} in float32. */
    private final Rounder rounder;
    private final int probabilities;
    private final int scoreGradients;
    /** Host staging of {@link #forwardAfterPrefix}'s starts and lengths, grown as needed. */
    private int[] prefixes = new int[0];

    /** The float32 kernel. */
    CudaAttention(Gpu gpu) {
        this(gpu, OperandFormat.FP32, true);
    }

    CudaAttention(Gpu gpu, OperandFormat operands, boolean fp32ScoreGradients) {
        this.gpu = gpu;
        this.rounder = operands == OperandFormat.FP32 ? null : new Rounder(gpu, operands);
        this.probabilities = Rounder.code(operands);
        this.scoreGradients = fp32ScoreGradients ? 0 : Rounder.code(operands);
    }

    private long operands(int slot, CudaTensor t, long n) {
        return rounder == null ? t.pointer() : rounder.rounded(slot, t.pointer(), n);
    }

    @Override
    public void forward(Tensor out, Tensor att, Tensor qkv, int b, int t, int c, int nh, float scale) {
        checkHeads(c, nh);
        CudaTensor o = CudaTensor.of(gpu, out, (long) b * t * c);
        CudaTensor a = CudaTensor.of(gpu, att, (long) b * nh * t * t);
        CudaTensor x = CudaTensor.of(gpu, qkv, 3L * b * t * c);
        int rows = Math.toIntExact((long) b * nh * t);
        if (rows == 0 || c == 0) {
            return;
        }
        long xs = operands(QKV_SLOT, x, 3L * b * t * c);
        gpu.launch(LaunchGeometry.linear(rows), KernelArgs.of(CudaKernel.ATTENTION_SOFTMAX)
                .pointer(a.pointer()).pointer(xs).integer(rows).integer(t).integer(c).integer(nh)
                .real(scale).integer(probabilities));
        gpu.launch(LaunchGeometry.linear((long) b * t * c), KernelArgs.of(CudaKernel.ATTENTION_VALUES)
                .pointer(o.pointer()).pointer(a.pointer()).pointer(xs).integer(b).integer(t).integer(c)
                .integer(nh));
    }

    @Override
    public void backward(Tensor dqkv, Tensor dout, Tensor qkv, Tensor att, int b, int t, int c, int nh, float scale) {
        checkHeads(c, nh);
        CudaTensor dx = CudaTensor.of(gpu, dqkv, 3L * b * t * c);
        CudaTensor dy = CudaTensor.of(gpu, dout, (long) b * t * c);
        CudaTensor x = CudaTensor.of(gpu, qkv, 3L * b * t * c);
        CudaTensor a = CudaTensor.of(gpu, att, (long) b * nh * t * t);
        int rows = Math.toIntExact((long) b * nh * t);
        if (rows == 0 || c == 0) {
            return;
        }
        long xs = operands(QKV_SLOT, x, 3L * b * t * c);
        long dys = operands(GRADIENT_SLOT, dy, (long) b * t * c);
        long dpre = gpu.scratch(SCORE_GRADIENT_SLOT, 4L * b * nh * t * t);
        gpu.launch(LaunchGeometry.linear(rows), KernelArgs.of(CudaKernel.ATTENTION_SCORE_GRADIENT)
                .pointer(dpre).pointer(dys).pointer(xs).pointer(a.pointer()).integer(rows)
                .integer(t).integer(c).integer(nh).real(scale).integer(scoreGradients));
        gpu.launch(LaunchGeometry.linear(3L * b * t * c), KernelArgs.of(CudaKernel.ATTENTION_QKV_GRADIENT)
                .pointer(dx.pointer()).pointer(dys).pointer(xs).pointer(a.pointer())
                .pointer(dpre).integer(b).integer(t).integer(c).integer(nh));
    }

    @Override
    public void forwardCached(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int pos, int c, int nh,
                              float scale) {
        checkHeads(c, nh);
        if (pos < 0 || (long) (pos + 1) * c > kCache.length() || (long) (pos + 1) * c > vCache.length()) {
            throw new IllegalArgumentException("position " + pos + " does not fit caches of " + kCache.length()
                    + " and " + vCache.length() + " floats at C=" + c);
        }
        CudaTensor o = CudaTensor.of(gpu, out, c);
        CudaTensor x = CudaTensor.of(gpu, qkv, 3L * c);
        CudaTensor k = CudaTensor.of(gpu, kCache, (long) (pos + 1) * c);
        CudaTensor v = CudaTensor.of(gpu, vCache, (long) (pos + 1) * c);
        if (c == 0) {
            return;
        }
        gpu.copy(k.at((long) pos * c), x.at(c), 4L * c);
        gpu.copy(v.at((long) pos * c), x.at(2L * c), 4L * c);
        gpu.launch(LaunchGeometry.linear(c), KernelArgs.of(CudaKernel.ATTENTION_CACHED)
                .pointer(o.pointer()).pointer(x.pointer()).pointer(k.pointer()).pointer(v.pointer()).integer(pos)
                .integer(c).integer(nh).real(scale));
    }

    /**
     * Two launches for the whole pass instead of three calls per position and sequence: the pass's keys and values
     * into the caches (a thread per row and channel), then a warp per (row, head), the head's channels split across
     * the lanes, as {@link #forwardAfterPrefix}. Float32 only, as cached decoding.
     */
    @Override
    public void forwardCachedPositions(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int b, int maxT, int pos,
                                       int k, int c, int nh, float scale) {
        AttentionKernel.checkCachedPositions(b, maxT, pos, k);
        checkHeads(c, nh);
        AttentionKernel.checkCaches(kCache, vCache, b, maxT, c);
        long rows = (long) k * b;
        CudaTensor o = CudaTensor.of(gpu, out, rows * c);
        CudaTensor x = CudaTensor.of(gpu, qkv, 3L * rows * c);
        CudaTensor kc = CudaTensor.of(gpu, kCache, (long) b * maxT * c);
        CudaTensor vc = CudaTensor.of(gpu, vCache, (long) b * maxT * c);
        if (c == 0) {
            return;
        }
        gpu.launch(LaunchGeometry.linear(rows * c), KernelArgs.of(CudaKernel.CACHE_WRITE_POSITIONS)
                .pointer(kc.pointer()).pointer(vc.pointer()).pointer(x.pointer()).integer(b).integer(maxT)
                .integer(pos).integer(k).integer(c));
        gpu.launch(LaunchGeometry.warpPerRow(Math.toIntExact(rows * nh), LaunchGeometry.BLOCK),
                KernelArgs.of(CudaKernel.ATTENTION_CACHED_POSITIONS)
                .pointer(o.pointer()).pointer(x.pointer()).pointer(kc.pointer()).pointer(vc.pointer()).integer(b)
                .integer(maxT).integer(pos).integer(k).integer(c).integer(nh).real(scale));
    }

    /**
     * One launch, a warp per (row, new position, head): the head's channels split across the lanes; the prefixes'
     * starts and lengths go up as one id upload. Float32 only, as cached decoding.
     */
    @Override
    public void forwardAfterPrefix(Tensor out, Tensor qkv, Tensor prefixQkv, int[] prefixStart, int[] prefixLength,
                                   int b, int t, int c, int nh, float scale) {
        if (rounder != null) {
            throw new UnsupportedOperationException("attention after a prefix is float32 only; this kernel rounds"
                    + " its operands");
        }
        AttentionKernel.checkPrefixes(prefixQkv, prefixStart, prefixLength, b, t, c, nh);
        CudaTensor o = CudaTensor.of(gpu, out, (long) b * t * c);
        CudaTensor x = CudaTensor.of(gpu, qkv, 3L * b * t * c);
        CudaTensor p = CudaTensor.of(gpu, prefixQkv, 0);
        if (c == 0) {
            return;
        }
        if (prefixes.length < 2 * b) {
            prefixes = new int[2 * b];
        }
        System.arraycopy(prefixStart, 0, prefixes, 0, b);
        System.arraycopy(prefixLength, 0, prefixes, b, b);
        long ids = gpu.uploadIds(prefixes, 2 * b);
        gpu.launch(LaunchGeometry.warpPerRow(Math.toIntExact((long) b * t * nh), LaunchGeometry.BLOCK),
                KernelArgs.of(CudaKernel.ATTENTION_AFTER_PREFIX)
                .pointer(o.pointer()).pointer(x.pointer()).pointer(p.pointer()).pointer(ids).integer(b).integer(t)
                .integer(c).integer(nh).real(scale));
    }

    /** C must split evenly into NH heads; shared with {@link FastCudaAttention}. */
    static void checkHeads(int c, int nh) {
        if (nh <= 0 || c % nh != 0) {
            throw new IllegalArgumentException("C=" + c + " is not a multiple of NH=" + nh);
        }
    }
}
