package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;

/**
 * The fused attention kernels, FlashAttention-2-style on tensor cores, that never write a T x T matrix: for bf16
 * tensors ({@code flash_attention.cu}, bf16 products) and for float32 ones ({@code flash_attention_f32.cu}, 3xTF32
 * products: float32 accuracy, heads of up to 64 channels). The forward keeps each row's log-sum-exp
 * ({@code (B, NH, T)} floats) where the unfused attention saves {@code B x NH x T x T} probabilities; the backward
 * recomputes them tile by tile. At the 111M shape, seq 2048 x batch 8, that is 786 KB a layer instead of 805 MB of
 * bf16 (1.6 GB of float32) probabilities, and the products read Q, K and V from {@code qkv} as stored.
 *
 * <p>Launches: forward, one block of {@link CudaKernel#FLASH_BLOCK} threads per 64 queries of each (sequence, head);
 * backward, the row terms {@code dout . out} per (sequence, head, row), then dK and dV per 64 keys and dQ per 64
 * queries (two kernels instead of atomic adds, so the result does not depend on the order blocks run in).
 */
final class FusedCudaAttention {
    /** Rows (queries or keys) per block, four warps of 16 ({@code FA_ROWS}, {@code FT_ROWS}). */
    static final int ROWS = 64;
    /** Heads up to this many channels use the {@code _64} bf16 kernels, wider ones up to 128 the {@code _128} ones. */
    static final int NARROW_HEAD = 64;

    private final Gpu gpu;
    /** {@link OperandFormat#BF16} or {@link OperandFormat#FP32}: the tensors' storage, and which kernels run. */
    private final OperandFormat storage;

    FusedCudaAttention(Gpu gpu, OperandFormat storage) {
        if (storage != OperandFormat.BF16 && storage != OperandFormat.FP32) {
            throw new IllegalArgumentException("fused attention stores bf16 or float32 tensors, not " + storage);
        }
        this.gpu = gpu;
        this.storage = storage;
    }

    /** Whether the kernels cover heads of {@code headSize} channels with tensors stored as {@code storage}. */
    static boolean covers(int headSize, OperandFormat storage) {
        return storage == OperandFormat.BF16 ? AttentionKernel.fusesHeadSize(headSize)
                : storage == OperandFormat.FP32 && AttentionKernel.fusesFloat32HeadSize(headSize);
    }

    private void check(int c, int nh) {
        CudaAttention.checkHeads(c, nh);
        if (!covers(c / nh, storage)) {
            throw new IllegalArgumentException("fused " + storage.id() + " attention needs heads of 16 to "
                    + (storage == OperandFormat.BF16 ? 128 : 64) + " channels in steps of 16, not " + c / nh + " (C="
                    + c + ", NH=" + nh + ")");
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

    /** {@code tensor} as this attention stores it: bf16, or float32. */
    private CudaTensor stored(Tensor tensor, long n, String name) {
        CudaTensor x = CudaTensor.ofEither(gpu, tensor, n);
        if (x.isBf16() != (storage == OperandFormat.BF16)) {
            throw new IllegalArgumentException("fused " + storage.id() + " attention takes " + name + " as a "
                    + (storage == OperandFormat.BF16 ? "bf16" : "float32") + " tensor, not "
                    + (x.isBf16() ? "bf16" : "float32"));
        }
        return x;
    }

    void forward(Tensor out, Tensor lse, Tensor qkv, int b, int t, int c, int nh, float scale) {
        check(c, nh);
        CudaTensor y = stored(out, (long) b * t * c, "out");
        CudaTensor l = CudaTensor.of(gpu, lse, (long) b * nh * t);
        CudaTensor x = stored(qkv, 3L * b * t * c, "qkv");
        if ((long) b * t == 0) {
            return;
        }
        gpu.launch(blocks(b, t, nh), KernelArgs.of(kernel(CudaKernel.FLASH_ATTENTION_FORWARD_64,
                        CudaKernel.FLASH_ATTENTION_FORWARD_128, CudaKernel.FLASH_ATTENTION_F32_FORWARD, c / nh))
                .pointer(y.pointer()).pointer(l.pointer()).pointer(x.pointer()).integer(t).integer(c).integer(nh)
                .real(scale));
    }

    void backward(Tensor dqkv, Tensor dout, Tensor qkv, Tensor out, Tensor lse, int b, int t, int c, int nh,
                  float scale) {
        check(c, nh);
        CudaTensor dx = CudaTensor.of(gpu, dqkv, 3L * b * t * c);
        CudaTensor dy = CudaTensor.of(gpu, dout, (long) b * t * c);
        CudaTensor x = stored(qkv, 3L * b * t * c, "qkv");
        CudaTensor y = stored(out, (long) b * t * c, "out");
        CudaTensor l = CudaTensor.of(gpu, lse, (long) b * nh * t);
        if ((long) b * t == 0) {
            return;
        }
        long rows = (long) b * nh * t;
        if (rows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(rows + " attention rows exceed an int");
        }
        long dsum = gpu.scratch(CudaAttention.SCORE_GRADIENT_SLOT, 4 * rows);
        boolean bf16 = storage == OperandFormat.BF16;
        gpu.launch(LaunchGeometry.warpPerRow((int) rows, LaunchGeometry.BLOCK), KernelArgs.of(bf16
                        ? CudaKernel.FLASH_ATTENTION_ROW_DOTS
                        : CudaKernel.FLASH_ATTENTION_F32_ROW_DOTS).pointer(dsum).pointer(dy.pointer())
                .pointer(y.pointer()).integer((int) rows).integer(t).integer(c).integer(nh));
        LaunchGeometry grid = blocks(b, t, nh);
        gpu.launch(grid, KernelArgs.of(kernel(CudaKernel.FLASH_ATTENTION_BACKWARD_KEYS_64,
                        CudaKernel.FLASH_ATTENTION_BACKWARD_KEYS_128, CudaKernel.FLASH_ATTENTION_F32_BACKWARD_KEYS,
                        c / nh)).pointer(dx.pointer()).pointer(dy.pointer()).pointer(x.pointer()).pointer(l.pointer())
                .pointer(dsum).integer(t).integer(c).integer(nh).real(scale));
        gpu.launch(grid, KernelArgs.of(kernel(CudaKernel.FLASH_ATTENTION_BACKWARD_QUERIES_64,
                        CudaKernel.FLASH_ATTENTION_BACKWARD_QUERIES_128,
                        CudaKernel.FLASH_ATTENTION_F32_BACKWARD_QUERIES, c / nh)).pointer(dx.pointer())
                .pointer(dy.pointer()).pointer(x.pointer()).pointer(l.pointer()).pointer(dsum).integer(t).integer(c)
                .integer(nh).real(scale));
    }

    /** The bf16 kernel for narrow or wide heads, or the float32 one. */
    private CudaKernel kernel(CudaKernel narrow, CudaKernel wide, CudaKernel float32, int headSize) {
        return storage == OperandFormat.FP32 ? float32 : headSize <= NARROW_HEAD ? narrow : wide;
    }
}
