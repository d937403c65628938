package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;

/**
 * The linear layer with 16-bit operands on tensor cores: each operand is rounded once per call into a 16-bit
 * scratch copy ({@code pack_operands}, the same round-to-nearest-even as {@link OperandFormat#round}) and the three
 * products run as {@code cublasGemmEx} with 16-bit A and B, float32 C and float32 accumulation: what the port asks
 * of a mixed-precision matmul, at tensor-core speed. The weights' float32 master copies are never changed here. The
 * bias and its gradient stay float32, from the unrounded output gradient. With bf16 operands the input may be a bf16
 * tensor, used as the operand as stored (no packing), and the forward's output a bf16 tensor ({@link Bf16Results}).
 */
final class TensorCoreMatmul implements MatmulKernel {
    private final Gpu gpu;
    private final CudaMatmul fp32;
    private final Packer packer;
    private final int operandType;
    /** Whether {@code inp} and the forward's {@code out} may be bf16 tensors ({@code BF16_STORAGE}). */
    private final boolean bf16Tensors;
    private final Bf16Results results;
    /** The most output-gradient values packed at once in the backward ({@link #blockRows}). */
    private final long maxPackedValues;

    /** At most {@link #MAX_PACKED_GRADIENT} output-gradient values packed at once (256 MiB of 16-bit copies). */
    static final long MAX_PACKED_GRADIENT = 1L << 27;

    TensorCoreMatmul(Gpu gpu, CudaMatmul fp32, OperandFormat operands) {
        this(gpu, fp32, operands, MAX_PACKED_GRADIENT);
    }

    TensorCoreMatmul(Gpu gpu, CudaMatmul fp32, OperandFormat operands, long maxPackedValues) {
        this.maxPackedValues = maxPackedValues;
        this.gpu = gpu;
        this.fp32 = fp32;
        this.packer = new Packer(gpu, operands);
        this.operandType = packer.operandType();
        this.bf16Tensors = operands == OperandFormat.BF16;
        this.results = new Bf16Results(gpu);
    }

    private CudaTensor storable(Tensor t, long n) {
        return bf16Tensors ? CudaTensor.ofEither(gpu, t, n) : CudaTensor.of(gpu, t, n);
    }

    /** The input as a 16-bit operand: a bf16 tensor as stored, a float32 one packed into scratch. */
    private long input(CudaTensor x, long n) {
        return input(x, 0, n);
    }

    /** {@code n} input values from element {@code offset} as a 16-bit operand. */
    private long input(CudaTensor x, long offset, long n) {
        return x.isBf16() ? x.at(offset) : packer.packed(CudaMixedMatmul.INPUT_SLOT, x.at(offset), n);
    }

    /**
     * Rows of the output gradient packed and multiplied at a time in the backward: all of them unless their 16-bit
     * copy would exceed {@link #maxPackedValues}. The LM head's gradient (B x T x 50,257 values) is the one that is
     * split: its copy would be 1.65 GB at batch 8 x seq 2048, and grows with the micro-batch, outside the memory the
     * run is sized for. The weight gradient then adds one product per block (float32 accumulation throughout).
     */
    int blockRows(int oc) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxPackedValues / Packer.alignedColumns(oc)));
    }

    @Override
    public void forward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int c, int oc) {
        CudaTensor o = storable(out, (long) n * oc);
        CudaTensor x = storable(inp, (long) n * c);
        CudaTensor w = CudaTensor.of(gpu, weight, (long) oc * c);
        CudaTensor b = CudaTensor.ofNullable(gpu, bias, oc);
        if (n == 0 || oc == 0) {
            return;
        }
        long y = results.target(o, (long) n * oc);
        if (c == 0) {
            gpu.fill(y, 0, (long) n * oc);
        } else {
            long xr = input(x, (long) n * c);
            long wr = packer.packed(CudaMixedMatmul.WEIGHT_SLOT, w.pointer(), (long) oc * c);
            Gemm product = new Gemm(true, false, oc, n, c, 1f, wr, c, xr, c, 0f, y, oc);
            // With a bias: added in the product's epilogue, a float32 output written once. A bf16 output gets the
            // same product (the same cuBLASLt plan, so the same summation order as a float32 output's: the bf16
            // tensor holds that result rounded once, bit for bit) into float32 scratch, then rounded by
            // pack_operands: as much memory traffic as the product and add_bias_bf16. (A bf16 D from the epilogue
            // would take a bf16 bias: a rounded bias, other bits.)
            if (b != null && gpu.gemmBias(product, operandType, b.pointer())) {
                results.store(o, y, (long) n * oc);
                return;
            }
            gpu.gemm16(product, operandType);
        }
        if (b != null && o.isBf16()) {
            // the bias add and the rounding in one pass over the float32 product
            gpu.launch(LaunchGeometry.columnsByRows(n, oc), KernelArgs.of(CudaKernel.ADD_BIAS_BF16)
                    .pointer(o.pointer()).pointer(y).pointer(b.pointer()).integer(n).integer(oc));
            return;
        }
        if (b != null) {
            gpu.launch(LaunchGeometry.columnsByRows(n, oc), KernelArgs.of(CudaKernel.ADD_BIAS_ROWS)
                    .pointer(y).pointer(b.pointer()).integer(n).integer(oc));
        }
        results.store(o, y, (long) n * oc);
    }

    @Override
    public void backward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                         int n, int c, int oc) {
        CudaTensor dx = CudaTensor.ofNullable(gpu, dinp, (long) n * c);
        CudaTensor dw = CudaTensor.of(gpu, dweight, (long) oc * c);
        CudaTensor db = CudaTensor.ofNullable(gpu, dbias, oc);
        CudaTensor dy = CudaTensor.of(gpu, dout, (long) n * oc);
        CudaTensor x = storable(inp, (long) n * c);
        CudaTensor w = CudaTensor.of(gpu, weight, (long) oc * c);
        if (n == 0) {
            return;
        }
        long partials = 0; // the bias gradient's partial column sums, when the packing pass makes them
        if (c > 0 && oc > 0) {
            long wr = dx == null ? 0 : packer.packed(CudaMixedMatmul.WEIGHT_SLOT, w.pointer(), (long) oc * c);
            int block = blockRows(oc);
            int ld = Packer.alignedColumns(oc); // 16-byte aligned rows of the packed gradient
            // In one block (every biased layer at the 111M shape), the bias gradient's partial sums come from the
            // packing pass, which then reads the float32 gradient for both.
            partials = db != null && block >= n ? gpu.scratch(ColumnSums.SLOT, 4L * ColumnSums.chunks(n) * oc) : 0;
            for (int r0 = 0; r0 < n; r0 += block) {
                int rows = Math.min(block, n - r0);
                long dyr = partials != 0
                        ? packer.packedRowsWithColumnSums(CudaMixedMatmul.GRADIENT_SLOT, dy.pointer(), n, oc, partials)
                        : packer.packedRows(CudaMixedMatmul.GRADIENT_SLOT, dy.at((long) r0 * oc), rows, oc);
                long xr = input(x, (long) r0 * c, (long) rows * c);
                if (dx != null) {
                    gpu.gemm16(new Gemm(false, false, c, rows, oc, 1f, wr, c, dyr, ld, 0f, dx.at((long) r0 * c), c),
                            operandType);
                }
                gpu.gemm16(new Gemm(false, true, c, oc, rows, 1f, xr, c, dyr, ld, 1f, dw.pointer(), c), operandType);
            }
        } else if (dx != null && c > 0) {
            gpu.fill(dx.pointer(), 0, (long) n * c);
        }
        if (db != null && oc > 0) {
            if (partials != 0) {
                fp32.accumulateColumnSums(db.pointer(), partials, ColumnSums.chunks(n), oc);
            } else {
                fp32.biasGradient(db.pointer(), dy.pointer(), n, oc);
            }
        }
    }
}
