package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;

/**
 * Causal multi-head attention with its five products as strided-batched cuBLAS GEMMs (one call per sequence, the
 * heads as the batch) and the row-wise softmax work as warp-per-row kernels, so every load is coalesced; the
 * baseline {@link CudaAttention} gives one thread a whole row. No permuted copies: a head's Q, K or V is the
 * column-major {@code (hs, T)} matrix at column offset {@code h * hs} with leading dimension {@code 3C}, and a
 * row-major {@code (T, T)} score matrix is the column-major transpose with leading dimension {@code T}.
 *
 * <p>Forward, for sequence b and every head: {@code S^T = K^T Q * scale} (all of it: the upper triangle is then
 * zeroed), the softmax in place, {@code Y = V P}. Backward: {@code dP^T = V^T dY}, {@code dV = dY P^T}, the softmax
 * gradient in place ({@code dS = scale * P * (dP - rowsum(P * dP))}), {@code dQ = K dS}, {@code dK = Q dS^T}; dqkv
 * is written, not accumulated, as the port requires. Under mixed precision the operands are rounded copies
 * (as in the baseline), the probabilities and, unless float32 score gradients are asked for, the score gradients
 * are rounded by the row kernels, and the GEMMs accumulate in float32. Cached decoding is the baseline's.
 */
final class FastCudaAttention implements AttentionKernel {
    private final Gpu gpu;
    private final CudaAttention baseline;
    /** {@code null} in float32. */
    private final Rounder rounder;
    private final int probabilities;
    private final int scoreGradients;

    FastCudaAttention(Gpu gpu, OperandFormat operands, boolean fp32ScoreGradients) {
        this.gpu = gpu;
        this.baseline = new CudaAttention(gpu, operands, fp32ScoreGradients);
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
        long xs = operands(CudaAttention.QKV_SLOT, x, 3L * b * t * c);
        int hs = c / nh;
        long tt = (long) t * t;
        for (int s = 0; s < b; s++) {
            long q = xs + 4L * s * t * 3 * c;
            long sc = a.pointer() + 4L * s * nh * tt;
            // S^T (T x T, ld T) = K^T Q: A = K (hs x T, ld 3C), B = Q (hs x T, ld 3C).
            gpu.gemmBatched(new BatchedGemm(new Gemm(true, false, t, t, hs, scale, q + 4L * c, 3 * c, q, 3 * c,
                    0f, sc, t), hs, hs, tt, nh), CublasApi.R_32F);
        }
        gpu.launch(LaunchGeometry.warpPerRow(rows, LaunchGeometry.BLOCK),
                KernelArgs.of(CudaKernel.ATTENTION_SOFTMAX_ROWS).pointer(a.pointer()).integer(rows).integer(t)
                        .integer(probabilities));
        for (int s = 0; s < b; s++) {
            long v = xs + 4L * (s * t * 3L * c + 2L * c);
            long p = a.pointer() + 4L * s * nh * tt;
            long y = o.pointer() + 4L * s * t * c;
            // Y (hs x T, ld C) = V (hs x T, ld 3C) P^T-as-stored (T x T, ld T).
            gpu.gemmBatched(new BatchedGemm(new Gemm(false, false, hs, t, t, 1f, v, 3 * c, p, t, 0f, y, c), hs, tt,
                    hs, nh), CublasApi.R_32F);
        }
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
        long xs = operands(CudaAttention.QKV_SLOT, x, 3L * b * t * c);
        long dys = operands(CudaAttention.GRADIENT_SLOT, dy, (long) b * t * c);
        long tt = (long) t * t;
        long dpre = gpu.scratch(CudaAttention.SCORE_GRADIENT_SLOT, 4L * b * nh * tt);
        int hs = c / nh;
        for (int s = 0; s < b; s++) {
            long v = xs + 4L * (s * t * 3L * c + 2L * c);
            long g = dys + 4L * s * t * c;
            long p = a.pointer() + 4L * s * nh * tt;
            long dp = dpre + 4L * s * nh * tt;
            long dv = dx.pointer() + 4L * (s * t * 3L * c + 2L * c);
            // dP^T (T x T, ld T) = V^T dY: A = V (hs x T, ld 3C), B = dY (hs x T, ld C).
            gpu.gemmBatched(new BatchedGemm(new Gemm(true, false, t, t, hs, 1f, v, 3 * c, g, c, 0f, dp, t), hs, hs,
                    tt, nh), CublasApi.R_32F);
            // dV (hs x T, ld 3C) = dY (hs x T, ld C) P (the stored T x T read transposed).
            gpu.gemmBatched(new BatchedGemm(new Gemm(false, true, hs, t, t, 1f, g, c, p, t, 0f, dv, 3 * c), hs, tt,
                    hs, nh), CublasApi.R_32F);
        }
        gpu.launch(LaunchGeometry.warpPerRow(rows, LaunchGeometry.BLOCK),
                KernelArgs.of(CudaKernel.ATTENTION_SOFTMAX_BACKWARD_ROWS).pointer(dpre).pointer(a.pointer())
                        .integer(rows).integer(t).real(scale).integer(scoreGradients));
        for (int s = 0; s < b; s++) {
            long q = xs + 4L * s * t * 3 * c;
            long k = q + 4L * c;
            long ds = dpre + 4L * s * nh * tt;
            long dq = dx.pointer() + 4L * s * t * 3 * c;
            long dk = dq + 4L * c;
            // dQ (hs x T, ld 3C) = K (hs x T, ld 3C) dS^T-as-stored (T x T, ld T).
            gpu.gemmBatched(new BatchedGemm(new Gemm(false, false, hs, t, t, 1f, k, 3 * c, ds, t, 0f, dq, 3 * c), hs,
                    tt, hs, nh), CublasApi.R_32F);
            // dK (hs x T, ld 3C) = Q (hs x T, ld 3C) dS (the stored T x T read transposed).
            gpu.gemmBatched(new BatchedGemm(new Gemm(false, true, hs, t, t, 1f, q, 3 * c, ds, t, 0f, dk, 3 * c), hs,
                    tt, hs, nh), CublasApi.R_32F);
        }
    }

    @Override
    public void forwardCached(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int pos, int c, int nh,
                              float scale) {
        baseline.forwardCached(out, qkv, kCache, vCache, pos, c, nh, scale);
    }

    private static void checkHeads(int c, int nh) {
        if (nh <= 0 || c % nh != 0) {
            throw new IllegalArgumentException("C=" + c + " is not a multiple of NH=" + nh);
        }
    }
}
