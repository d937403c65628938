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

    TensorCoreMatmul(Gpu gpu, CudaMatmul fp32, OperandFormat operands) {
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
        return x.isBf16() ? x.pointer() : packer.packed(CudaMixedMatmul.INPUT_SLOT, x.pointer(), n);
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
            gpu.gemm16(new Gemm(true, false, oc, n, c, 1f, wr, c, xr, c, 0f, y, oc), operandType);
        }
        if (b != null) {
            fp32.addBias(y, b.pointer(), n, oc);
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
        if (c > 0 && oc > 0) {
            long dyr = packer.packed(CudaMixedMatmul.GRADIENT_SLOT, dy.pointer(), (long) n * oc);
            long xr = input(x, (long) n * c);
            if (dx != null) {
                long wr = packer.packed(CudaMixedMatmul.WEIGHT_SLOT, w.pointer(), (long) oc * c);
                gpu.gemm16(new Gemm(false, false, c, n, oc, 1f, wr, c, dyr, oc, 0f, dx.pointer(), c), operandType);
            }
            gpu.gemm16(new Gemm(false, true, c, oc, n, 1f, xr, c, dyr, oc, 1f, dw.pointer(), c), operandType);
        } else if (dx != null && c > 0) {
            gpu.fill(dx.pointer(), 0, (long) n * c);
        }
        if (db != null && oc > 0) {
            fp32.biasGradient(db.pointer(), dy.pointer(), n, oc);
        }
    }
}
