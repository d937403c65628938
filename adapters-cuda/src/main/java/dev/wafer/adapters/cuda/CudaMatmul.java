package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * The linear layer as three cuBLAS SGEMMs, as llm.c calls them: a row-major {@code (rows, cols)} tensor is the
 * column-major {@code (cols, rows)} matrix with leading dimension {@code cols}, so
 * {@code out = inp·Wᵀ} is {@code sgemm(T, N, oc, n, c, W, c, inp, c, out, oc)};
 * {@code dinp = dout·W} as {@code sgemm(N, N, c, n, oc, W, c, dout, oc, dinp, c)}; {@code dW += doutᵀ·inp} as
 * {@code sgemm(N, T, c, oc, n, inp, c, dout, oc, beta 1, dW, c)}. The bias gradient is two small kernels. With
 * the fast kernels the forward adds the bias in the product's epilogue ({@link Gpu#gemmBias}: the output is written
 * once), or where cuBLASLt has no algorithm for the shape, by rows ({@code add_bias_rows}: no division per
 * element); the baseline kernels add it with {@code add_bias}, one thread per element.
 */
final class CudaMatmul implements MatmulKernel {
    private final Gpu gpu;
    private final boolean fast;

    CudaMatmul(Gpu gpu) {
        this(gpu, false);
    }

    /** @param fast the fast kernels' bias add (epilogue, else by rows) instead of the baseline's */
    CudaMatmul(Gpu gpu, boolean fast) {
        this.gpu = gpu;
        this.fast = fast;
    }

    @Override
    public void forward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int c, int oc) {
        CudaTensor o = CudaTensor.of(gpu, out, (long) n * oc);
        CudaTensor x = CudaTensor.of(gpu, inp, (long) n * c);
        CudaTensor w = CudaTensor.of(gpu, weight, (long) oc * c);
        CudaTensor b = CudaTensor.ofNullable(gpu, bias, oc);
        forward(o.pointer(), x.pointer(), w.pointer(), b == null ? 0 : b.pointer(), n, c, oc);
    }

    /** The forward on device pointers; {@code bias} 0 for none. */
    void forward(long out, long inp, long weight, long bias, int n, int c, int oc) {
        if (n == 0 || oc == 0) {
            return;
        }
        if (c == 0) {
            gpu.fill(out, 0, (long) n * oc);
        } else {
            Gemm product = new Gemm(true, false, oc, n, c, 1f, weight, c, inp, c, 0f, out, oc);
            if (fast && bias != 0 && gpu.gemmBias(product, CublasApi.R_32F, bias)) {
                return;
            }
            gpu.gemm(product);
        }
        if (bias != 0) {
            addBias(out, bias, n, oc);
        }
    }

    /** {@code out[r, o] += bias[o]} for {@code n} rows of {@code oc}. */
    void addBias(long out, long bias, int n, int oc) {
        if (fast) {
            gpu.launch(LaunchGeometry.columnsByRows(n, oc), KernelArgs.of(CudaKernel.ADD_BIAS_ROWS)
                    .pointer(out).pointer(bias).integer(n).integer(oc));
        } else {
            gpu.launch(LaunchGeometry.linear((long) n * oc), KernelArgs.of(CudaKernel.ADD_BIAS)
                    .pointer(out).pointer(bias).integer(n).integer(oc));
        }
    }

    /** {@code dbias[o] += sum over rows of dout[r, o]}, in two passes (partial column sums, then their total). */
    void biasGradient(long dbias, long dout, int n, int oc) {
        int chunks = ColumnSums.chunks(n);
        long partials = gpu.scratch(ColumnSums.SLOT, 4L * chunks * oc);
        gpu.launch(ColumnSums.partials(n, oc), KernelArgs.of(CudaKernel.COLUMN_PARTIAL_SUMS)
                .pointer(partials).pointer(dout).integer(n).integer(oc).integer(ColumnSums.rowsPerChunk(n)));
        accumulateColumnSums(dbias, partials, chunks, oc);
    }

    /** The second pass of {@link #biasGradient}: {@code dbias[o] += } the {@code chunks} partial sums, in order. */
    void accumulateColumnSums(long dbias, long partials, int chunks, int oc) {
        gpu.launch(ColumnSums.accumulate(oc), KernelArgs.of(CudaKernel.COLUMN_SUM_ACCUMULATE)
                .pointer(dbias).pointer(partials).integer(chunks).integer(oc));
    }

    @Override
    public void backward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                         int n, int c, int oc) {
        CudaTensor dx = CudaTensor.ofNullable(gpu, dinp, (long) n * c);
        CudaTensor dw = CudaTensor.of(gpu, dweight, (long) oc * c);
        CudaTensor db = CudaTensor.ofNullable(gpu, dbias, oc);
        CudaTensor dy = CudaTensor.of(gpu, dout, (long) n * oc);
        CudaTensor x = CudaTensor.of(gpu, inp, (long) n * c);
        CudaTensor w = CudaTensor.of(gpu, weight, (long) oc * c);
        backward(dx == null ? 0 : dx.pointer(), dw.pointer(), db == null ? 0 : db.pointer(), dy.pointer(),
                x.pointer(), w.pointer(), dy.pointer(), n, c, oc);
    }

    /**
     * The backward on device pointers ({@code dinp}, {@code dbias} 0 for none). The GEMMs read {@code gemmDout},
     * the bias gradient {@code dout}: they differ when the GEMM operands are rounded copies.
     */
    void backward(long dinp, long dweight, long dbias, long dout, long inp, long weight, long gemmDout,
                  int n, int c, int oc) {
        if (n == 0) {
            return;
        }
        if (dinp != 0 && c > 0) {
            if (oc == 0) {
                gpu.fill(dinp, 0, (long) n * c);
            } else {
                gpu.gemm(new Gemm(false, false, c, n, oc, 1f, weight, c, gemmDout, oc, 0f, dinp, c));
            }
        }
        if (c > 0 && oc > 0) {
            gpu.gemm(new Gemm(false, true, c, oc, n, 1f, inp, c, gemmDout, oc, 1f, dweight, c));
        }
        if (dbias != 0 && oc > 0) {
            biasGradient(dbias, dout, n, oc);
        }
    }
}
