package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;

/**
 * The fused attention of the bf16 kernels ({@code flash_attention.cu}): FlashAttention-2-style kernels on tensor cores
 * that never write a T x T matrix. The forward keeps each row's log-sum-exp ({@code (B, NH, T)} floats) where the
 * unfused attention saves {@code B x NH x T x T} probabilities; the backward recomputes them tile by tile. At the 111M
 * shape, seq 2048 x batch 8, that is 786 KB a layer instead of 805 MB of bf16 probabilities, and the products read
 * Q, K and V from the bf16 {@code qkv} tensor as stored.
 *
 * <p>Launches: forward, one block of {@link CudaKernel#FLASH_BLOCK} threads per 64 queries of each (sequence, head);
 * backward, the row terms {@code dout . out} per (sequence, head, row), then dK and dV per 64 keys and dQ per 64
 * queries (two kernels instead of atomic adds, so the result does not depend on the order blocks run in).
 */
final class FusedCudaAttention {
    /** Rows (queries or keys) per block, four warps of 16 ({@code FA_ROWS}). */
    static final int ROWS = 64;
    /** Heads up to this many channels use the {@code _64} kernels, wider ones up to 128 the {@code _128} ones. */
    static final int NARROW_HEAD = 64;

    private final Gpu gpu;

    FusedCudaAttention(Gpu gpu) {
        this.gpu = gpu;
    }

    /** Whether the kernels cover heads of {@code headSize} channels with tensors stored as {@code storage}. */
    static boolean covers(int headSize, OperandFormat storage) {
        return storage == OperandFormat.BF16 && AttentionKernel.fusesHeadSize(headSize);
    }

    private static void check(int c, int nh) {
        CudaAttention.checkHeads(c, nh);
        if (!covers(c / nh, OperandFormat.BF16)) {
            throw new IllegalArgumentException("fused attention needs heads of 16 to 128 channels in steps of 16, not "
                    + c / nh + " (C=" + c + ", NH=" + nh + ")");
        }
    }

    private static LaunchGeometry blocks(int b, int t, int nh) {
        long heads = (long) b * nh;
        if (heads > LaunchGeometry.MAX_GRID_Y) {
            throw new IllegalArgumentException(b + " sequences x " + nh + " heads exceed the " + LaunchGeometry.MAX_GRID_Y
                    + " blocks a grid column holds");
        }
        return new LaunchGeometry((t + ROWS - 1) / ROWS, (int) heads, CudaKernel.FLASH_BLOCK, 1, 0);
    }

    private static CudaTensor bf16(Gpu gpu, Tensor tensor, long n, String name) {
        CudaTensor x = CudaTensor.ofEither(gpu, tensor, n);
        if (!x.isBf16()) {
            throw new IllegalArgumentException("fused attention takes " + name + " as a bf16 tensor, not float32");
        }
        return x;
    }

    void forward(Tensor out, Tensor lse, Tensor qkv, int b, int t, int c, int nh, float scale) {
        check(c, nh);
        CudaTensor y = bf16(gpu, out, (long) b * t * c, "out");
        CudaTensor l = CudaTensor.of(gpu, lse, (long) b * nh * t);
        CudaTensor x = bf16(gpu, qkv, 3L * b * t * c, "qkv");
        if ((long) b * t == 0) {
            return;
        }
        boolean narrow = c / nh <= NARROW_HEAD;
        gpu.launch(blocks(b, t, nh), KernelArgs.of(narrow ? CudaKernel.FLASH_ATTENTION_FORWARD_64
                        : CudaKernel.FLASH_ATTENTION_FORWARD_128).pointer(y.pointer()).pointer(l.pointer())
                .pointer(x.pointer()).integer(t).integer(c).integer(nh).real(scale));
    }

    void backward(Tensor dqkv, Tensor dout, Tensor qkv, Tensor out, Tensor lse, int b, int t, int c, int nh,
                  float scale) {
        check(c, nh);
        CudaTensor dx = CudaTensor.of(gpu, dqkv, 3L * b * t * c);
        CudaTensor dy = CudaTensor.of(gpu, dout, (long) b * t * c);
        CudaTensor x = bf16(gpu, qkv, 3L * b * t * c, "qkv");
        CudaTensor y = bf16(gpu, out, (long) b * t * c, "out");
        CudaTensor l = CudaTensor.of(gpu, lse, (long) b * nh * t);
        if ((long) b * t == 0) {
            return;
        }
        long rows = (long) b * nh * t;
        if (rows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(rows + " attention rows exceed an int");
        }
        long dsum = gpu.scratch(CudaAttention.SCORE_GRADIENT_SLOT, 4 * rows);
        gpu.launch(LaunchGeometry.linear(rows), KernelArgs.of(CudaKernel.FLASH_ATTENTION_ROW_DOTS).pointer(dsum)
                .pointer(dy.pointer()).pointer(y.pointer()).integer((int) rows).integer(t).integer(c).integer(nh));
        boolean narrow = c / nh <= NARROW_HEAD;
        LaunchGeometry grid = blocks(b, t, nh);
        gpu.launch(grid, KernelArgs.of(narrow ? CudaKernel.FLASH_ATTENTION_BACKWARD_KEYS_64
                        : CudaKernel.FLASH_ATTENTION_BACKWARD_KEYS_128).pointer(dx.pointer()).pointer(dy.pointer())
                .pointer(x.pointer()).pointer(l.pointer()).pointer(dsum).integer(t).integer(c).integer(nh)
                .real(scale));
        gpu.launch(grid, KernelArgs.of(narrow ? CudaKernel.FLASH_ATTENTION_BACKWARD_QUERIES_64
                        : CudaKernel.FLASH_ATTENTION_BACKWARD_QUERIES_128).pointer(dx.pointer()).pointer(dy.pointer())
                .pointer(x.pointer()).pointer(l.pointer()).pointer(dsum).integer(t).integer(c).integer(nh)
                .real(scale));
    }
}
