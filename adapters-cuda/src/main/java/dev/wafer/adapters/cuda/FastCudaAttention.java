package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;

/**
 * Causal multi-head attention with its five products as strided-batched cuBLAS GEMMs (one call per sequence and
 * causal block, the heads as the batch) and the row-wise softmax work as warp-per-row kernels, so every load is
 * coalesced; the
 * baseline {@link CudaAttention} gives one thread a whole row. No permuted copies: a head's Q, K or V is the
 * column-major {@code (hs, T)} matrix at column offset {@code h * hs} with leading dimension {@code 3C}, and a
 * row-major {@code (T, T)} score matrix is the column-major transpose with leading dimension {@code T}.
 *
 * <p>Forward, for sequence b and every head: {@code S^T = K^T Q * scale} (only the {@link #CAUSAL_BLOCKS} blocks on
 * or below the diagonal; the softmax reads nothing above it and writes zeros there), the softmax, {@code Y = V P}
 * (each block of queries against the keys up to its end). Backward: {@code dP^T = V^T dY}, {@code dV = dY P^T}, the softmax
 * gradient in place ({@code dS = scale * P * (dP - rowsum(P * dP))}), {@code dQ = K dS}, {@code dK = Q dS^T}; dqkv
 * is written, not accumulated, as the port requires. Under mixed precision the operands are packed into 16-bit
 * copies ({@link Packer}) and the GEMMs run on tensor cores with float32 accumulation; the row kernels round the
 * probabilities and, unless float32 score gradients are asked for, the score gradients, so every product takes the
 * rounded operands the port specifies (with float32 score gradients, dQ and dK multiply them with rounded float32
 * copies of Q and K instead). Cached decoding is the baseline's.
 *
 * <p>bf16 tensors ({@code BF16_STORAGE}): every variant's output may be one ({@link Bf16Results}); the bf16 variant
 * also takes {@code qkv} and {@code att} as bf16 tensors and uses them as the products' operands as stored. Its
 * forward then computes the scores into float32 scratch and {@code attention_softmax_rows_bf16} writes the rounded
 * probabilities into {@code att} (no float32 probabilities, no packing pass); its backward reads them widened. The
 * values are those the float32 path packs, so the bits are the same. With 16-bit score gradients the backward's row
 * kernel writes them as 16-bit operands directly ({@code attention_softmax_backward_rows_packed*}) instead of in
 * place in float32 followed by a packing pass.
 *
 * <p>Fused ({@code FUSED_ATTENTION}, {@code FUSED_ATTENTION_FP32}): the bf16 variant with bf16 score gradients and
 * the float32 one also have the port's fused forms, {@link FusedCudaAttention}, which save each row's log-sum-exp
 * instead of {@code att}.
 */
final class FastCudaAttention implements AttentionKernel {
    static final int PACKED_QKV_SLOT = 9;
    static final int PACKED_GRADIENT_SLOT = 10;
    static final int PACKED_SCORES_SLOT = 11;

    private final Gpu gpu;
    private final CudaAttention baseline;
    /** {@code null} in float32. */
    private final Rounder rounder;
    /** {@code null} in float32: 16-bit operands for tensor cores. */
    private final Packer packer;
    private final int probabilities;
    private final int scoreGradients;
    /** Whether {@code qkv} and {@code att} may be bf16 tensors (the bf16 variant). */
    private final boolean bf16Tensors;
    private final Bf16Results results;
    /**
     * The fused kernels of the bf16 variant with bf16 score gradients ({@code FUSED_ATTENTION}) or of the float32 one
     * ({@code FUSED_ATTENTION_FP32}); else null.
     */
    private final FusedCudaAttention fused;
    /** The storage the fused kernels take: bf16 for the bf16 variant, float32 for the float32 one. */
    private final OperandFormat fusedStorage;

    FastCudaAttention(Gpu gpu, OperandFormat operands, boolean fp32ScoreGradients) {
        this.gpu = gpu;
        this.baseline = new CudaAttention(gpu, operands, fp32ScoreGradients);
        this.rounder = operands == OperandFormat.FP32 ? null : new Rounder(gpu, operands);
        this.packer = operands == OperandFormat.FP32 ? null : new Packer(gpu, operands);
        this.probabilities = Rounder.code(operands);
        this.scoreGradients = fp32ScoreGradients ? 0 : Rounder.code(operands);
        this.bf16Tensors = operands == OperandFormat.BF16;
        this.results = new Bf16Results(gpu);
        this.fused = bf16Tensors && !fp32ScoreGradients ? new FusedCudaAttention(gpu, OperandFormat.BF16)
                : operands == OperandFormat.FP32 ? new FusedCudaAttention(gpu, OperandFormat.FP32) : null;
        this.fusedStorage = bf16Tensors ? OperandFormat.BF16 : OperandFormat.FP32;
    }

    @Override
    public boolean fuses(int headSize, OperandFormat storage) {
        return fused != null && storage == fusedStorage && FusedCudaAttention.covers(headSize, storage);
    }

    @Override
    public void forwardSavingLogSumExp(Tensor out, Tensor lse, Tensor qkv, int b, int t, int c, int nh, float scale) {
        fusedKernels().forward(out, lse, qkv, b, t, c, nh, scale);
    }

    @Override
    public void backwardFromLogSumExp(Tensor dqkv, Tensor dout, Tensor qkv, Tensor out, Tensor lse, int b, int t,
                                      int c, int nh, float scale) {
        fusedKernels().backward(dqkv, dout, qkv, out, lse, b, t, c, nh, scale);
    }

    private FusedCudaAttention fusedKernels() {
        if (fused == null) {
            throw new UnsupportedOperationException("fused attention is the float32 attention's and the bf16"
                    + " attention's with bf16 score gradients; this one rounds to "
                    + (bf16Tensors ? "bf16 with float32 score gradients" : "fp16"));
        }
        return fused;
    }

    private CudaTensor storable(Tensor t, long n) {
        return bf16Tensors ? CudaTensor.ofEither(gpu, t, n) : CudaTensor.of(gpu, t, n);
    }

    /** Operands of the batched GEMMs: a device pointer to float32 or packed 16-bit values. */
    private record Operands(long base, int bytes, int type) {
        /** The address of element {@code index}. */
        long at(long index) {
            return base + bytes * index;
        }
    }

    /** The {@code n} elements of {@code t} from {@code offset} as GEMM operands: as stored, or packed to 16 bits. */
    private Operands operands(int packedSlot, CudaTensor t, long offset, long n) {
        if (t.isBf16()) {
            return new Operands(t.at(offset), 2, CublasApi.R_16BF);
        }
        if (packer == null) {
            return new Operands(t.at(offset), 4, CublasApi.R_32F);
        }
        return new Operands(packer.packed(packedSlot, t.at(offset), n), 2, packer.operandType());
    }

    /**
     * One sequence at a time (its heads batched in each product), so that the T x T scratch buffers hold one
     * sequence's matrices, not the micro-batch's: {@code NH x T x T} floats.
     */
    @Override
    public void forward(Tensor out, Tensor att, Tensor qkv, int b, int t, int c, int nh, float scale) {
        CudaAttention.checkHeads(c, nh);
        CudaTensor o = CudaTensor.ofEither(gpu, out, (long) b * t * c);
        CudaTensor a = storable(att, (long) b * nh * t * t);
        CudaTensor x = storable(qkv, 3L * b * t * c);
        if ((long) b * nh * t == 0 || c == 0) {
            return;
        }
        Operands xs = operands(PACKED_QKV_SLOT, x, 0, 3L * b * t * c);
        int hs = c / nh;
        int rows = nh * t;
        long tt = (long) t * t;
        int chunks = chunks(t);
        long y = results.target(o, (long) b * t * c);
        for (int s = 0; s < b; s++) {
            long q = (long) s * t * 3 * c;
            long sequence = (long) s * nh * tt;
            // The scores, then the probabilities, in float32: in att itself, or in scratch before rounding into att.
            long scores = a.isBf16() ? gpu.scratch(CudaAttention.SCORE_GRADIENT_SLOT, 4 * (long) nh * tt)
                    : a.at(sequence);
            for (int r = 0; r < chunks; r++) {
                int i0 = start(r, t, chunks);
                int i1 = start(r + 1, t, chunks);
                // S^T (T x T, ld T) = K^T Q for queries [i0, i1) and keys [0, i1): A = K (hs x i1, ld 3C), B = Q
                // (hs x (i1 - i0), ld 3C); the keys from i1 on lie above the diagonal and stay uncomputed.
                gpu.gemmBatched(new BatchedGemm(new Gemm(true, false, i1, i1 - i0, hs, scale, xs.at(q + c), 3 * c,
                        xs.at(q + (long) i0 * 3 * c), 3 * c, 0f, scores + 4L * i0 * t, t), hs, hs, tt, nh),
                        xs.type());
            }
            if (a.isBf16()) {
                gpu.launch(LaunchGeometry.warpPerRow(rows, LaunchGeometry.BLOCK),
                        KernelArgs.of(CudaKernel.ATTENTION_SOFTMAX_ROWS_BF16).pointer(a.at(sequence)).pointer(scores)
                                .integer(rows).integer(t));
            } else {
                gpu.launch(LaunchGeometry.warpPerRow(rows, LaunchGeometry.BLOCK),
                        KernelArgs.of(CudaKernel.ATTENTION_SOFTMAX_ROWS).pointer(scores).integer(rows).integer(t)
                                .integer(probabilities));
            }
            Operands p = operands(PACKED_SCORES_SLOT, a, sequence, nh * tt);
            long v = q + 2L * c;
            for (int r = 0; r < chunks; r++) {
                int i0 = start(r, t, chunks);
                int i1 = start(r + 1, t, chunks);
                // Y (hs x T, ld C) = V (hs x T, ld 3C) P^T-as-stored (T x T, ld T), for queries [i0, i1): only the
                // keys below i1 have non-zero probabilities.
                gpu.gemmBatched(new BatchedGemm(new Gemm(false, false, hs, i1 - i0, i1, 1f, xs.at(v), 3 * c,
                        p.at((long) i0 * t), t, 0f, y + 4L * ((long) s * t * c + (long) i0 * c), c), hs, tt, hs, nh),
                        xs.type());
            }
        }
        results.store(o, y, (long) b * t * c);
    }

    /** One sequence at a time, as the forward. */
    @Override
    public void backward(Tensor dqkv, Tensor dout, Tensor qkv, Tensor att, int b, int t, int c, int nh, float scale) {
        CudaAttention.checkHeads(c, nh);
        CudaTensor dx = CudaTensor.of(gpu, dqkv, 3L * b * t * c);
        CudaTensor dy = CudaTensor.of(gpu, dout, (long) b * t * c);
        CudaTensor x = storable(qkv, 3L * b * t * c);
        CudaTensor a = storable(att, (long) b * nh * t * t);
        if ((long) b * nh * t == 0 || c == 0) {
            return;
        }
        long tt = (long) t * t;
        int hs = c / nh;
        int rows = nh * t;
        int chunks = chunks(t);
        long n = 3L * b * t * c;
        Operands xs = operands(PACKED_QKV_SLOT, x, 0, n);
        Operands dys = operands(PACKED_GRADIENT_SLOT, dy, 0, (long) b * t * c);
        // dQ and dK take the score gradients as they are: 16-bit when rounded (written so by the row kernel), else
        // float32 with float32 Q and K (rounded copies under mixed precision, so the products are still those of
        // rounded operands).
        boolean packedScores = packer != null && scoreGradients != 0;
        Operands qk = packedScores ? xs : new Operands(rounder == null ? x.pointer()
                : x.isBf16() ? rounder.widened(CudaAttention.QKV_SLOT, x.pointer(), n)
                : rounder.rounded(CudaAttention.QKV_SLOT, x.pointer(), n), 4, CublasApi.R_32F);
        for (int s = 0; s < b; s++) {
            long q = (long) s * t * 3 * c;
            long v = q + 2L * c;
            long g = (long) s * t * c;
            long sequence = (long) s * nh * tt;
            long dp = gpu.scratch(CudaAttention.SCORE_GRADIENT_SLOT, 4 * (long) nh * tt);
            long dq = dx.pointer() + 4L * q;
            long dk = dq + 4L * c;
            long dv = dq + 8L * c;
            Operands p = operands(PACKED_SCORES_SLOT, a, sequence, nh * tt);
            for (int r = 0; r < chunks; r++) {
                int i0 = start(r, t, chunks);
                int i1 = start(r + 1, t, chunks);
                // dP^T (T x T, ld T) = V^T dY for queries [i0, i1) and keys [0, i1): A = V (hs x i1, ld 3C),
                // B = dY (hs x (i1 - i0), ld C).
                gpu.gemmBatched(new BatchedGemm(new Gemm(true, false, i1, i1 - i0, hs, 1f, xs.at(v), 3 * c,
                        dys.at(g + (long) i0 * c), c, 0f, dp + 4L * i0 * t, t), hs, hs, tt, nh), xs.type());
                // dV (hs x T, ld 3C) = dY (hs x T, ld C) P (the stored T x T read transposed) for keys [i0, i1):
                // only the queries from i0 on have non-zero probabilities there.
                gpu.gemmBatched(new BatchedGemm(new Gemm(false, true, hs, i1 - i0, t - i0, 1f,
                        dys.at(g + (long) i0 * c), c, p.at(i0 + (long) i0 * t), t, 0f, dv + 4L * i0 * 3 * c, 3 * c),
                        hs, tt, hs, nh), xs.type());
            }
            Operands ds;
            if (packedScores) {
                // Written after the dV products above read the packed probabilities from the same slot.
                long packed = gpu.scratch(PACKED_SCORES_SLOT, 2 * Math.max((long) nh * tt, 2));
                gpu.launch(LaunchGeometry.warpPerRow(rows, LaunchGeometry.BLOCK),
                        KernelArgs.of(a.isBf16() ? CudaKernel.ATTENTION_SOFTMAX_BACKWARD_ROWS_PACKED_BF16
                                        : CudaKernel.ATTENTION_SOFTMAX_BACKWARD_ROWS_PACKED).pointer(packed)
                                .pointer(dp).pointer(a.at(sequence)).integer(rows).integer(t).real(scale)
                                .integer(scoreGradients));
                ds = new Operands(packed, 2, packer.operandType());
            } else {
                gpu.launch(LaunchGeometry.warpPerRow(rows, LaunchGeometry.BLOCK),
                        KernelArgs.of(a.isBf16() ? CudaKernel.ATTENTION_SOFTMAX_BACKWARD_ROWS_BF16
                                        : CudaKernel.ATTENTION_SOFTMAX_BACKWARD_ROWS).pointer(dp)
                                .pointer(a.at(sequence)).integer(rows).integer(t).real(scale).integer(scoreGradients));
                ds = new Operands(dp, 4, CublasApi.R_32F);
            }
            for (int r = 0; r < chunks; r++) {
                int i0 = start(r, t, chunks);
                int i1 = start(r + 1, t, chunks);
                long rows3c = (long) i0 * 3 * c;
                // dQ (hs x T, ld 3C) = K (hs x T, ld 3C) dS^T-as-stored (T x T, ld T) for queries [i0, i1): keys
                // below i1.
                gpu.gemmBatched(new BatchedGemm(new Gemm(false, false, hs, i1 - i0, i1, 1f, qk.at(q + c), 3 * c,
                        ds.at((long) i0 * t), t, 0f, dq + 4L * rows3c, 3 * c), hs, tt, hs, nh), ds.type());
                // dK (hs x T, ld 3C) = Q (hs x T, ld 3C) dS (the stored T x T read transposed) for keys [i0, i1):
                // queries from i0 on.
                gpu.gemmBatched(new BatchedGemm(new Gemm(false, true, hs, i1 - i0, t - i0, 1f, qk.at(q + rows3c),
                        3 * c, ds.at(i0 + (long) i0 * t), t, 0f, dk + 4L * rows3c, 3 * c), hs, tt, hs, nh),
                        ds.type());
            }
        }
    }

    /**
     * Causal blocks: each product runs once per block of queries (or keys), limited to the part of the T x T matrix
     * on or below the diagonal, which is {@code (chunks + 1) / (2 chunks)} of the whole (62.5% for 4). More blocks
     * would cut less and cost more calls.
     */
    static final int CAUSAL_BLOCKS = 4;

    /** Blocks of a sequence of {@code t} positions: {@link #CAUSAL_BLOCKS}, fewer for shorter sequences. */
    static int chunks(int t) {
        return Math.max(1, Math.min(CAUSAL_BLOCKS, t));
    }

    /** The first position of block {@code r} of {@code chunks} (block {@code chunks} starts at {@code t}). */
    static int start(int r, int t, int chunks) {
        return (int) ((long) r * t / chunks);
    }

    /** The baseline's kernel: scoring's continuation passes are short, and their products few. */
    @Override
    public void forwardAfterPrefix(Tensor out, Tensor qkv, Tensor prefixQkv, int[] prefixStart, int[] prefixLength,
                                   int b, int t, int c, int nh, float scale) {
        baseline.forwardAfterPrefix(out, qkv, prefixQkv, prefixStart, prefixLength, b, t, c, nh, scale);
    }

    @Override
    public void forwardCachedPositions(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int b, int maxT, int pos,
                                       int k, int c, int nh, float scale) {
        baseline.forwardCachedPositions(out, qkv, kCache, vCache, b, maxT, pos, k, c, nh, scale);
    }

    @Override
    public void forwardCached(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int pos, int c, int nh,
                              float scale) {
        baseline.forwardCached(out, qkv, kCache, vCache, pos, c, nh, scale);
    }
}
