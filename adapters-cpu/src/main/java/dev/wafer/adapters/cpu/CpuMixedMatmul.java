package dev.wafer.adapters.cpu;

import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;

/**
 * Matmul with 16-bit operands and float32 accumulation: every GEMM operand (input, weight, output gradient) is
 * rounded to the format into a reusable buffer and the float32 GEMM runs on the copies. Products of two 16-bit
 * values are exact in float32, so this is numerically a 16-bit-input GEMM with float32 accumulators. The bias is
 * added in float32 and its gradient is a float32 column sum of the unrounded output gradient. (bf16 on oneDNN is
 * {@link OneDnnMatmul}.) In bf16, a bf16 input tensor ({@code Capability.BF16_STORAGE}) is widened, exactly, instead
 * of rounded: the same operand values.
 */
final class CpuMixedMatmul implements MatmulKernel {
    private final Sgemm sgemm;
    private final Rounding rounding;
    private final CpuMatmul fp32;
    private final Parallel parallel;
    private final OperandFormat format;
    private float[] x16 = new float[0];
    private float[] w16 = new float[0];
    private float[] g16 = new float[0];

    CpuMixedMatmul(Sgemm sgemm, Parallel parallel, CpuMatmul fp32, OperandFormat format) {
        this.sgemm = sgemm;
        this.rounding = new Rounding(format, parallel);
        this.fp32 = fp32;
        this.parallel = parallel;
        this.format = format;
    }

    /** The input's operand values into {@link #x16}: rounded from float32, or widened from a bf16 tensor. */
    private void inputOperand(CpuTensor x, int count) {
        if (!x.isBf16()) {
            rounding.round(x.data, x.offset, x16, count);
        } else if (format == OperandFormat.BF16) {
            Bf16Values.widen(parallel, x.bf16(0, count), x16, 0, count);
        } else {
            throw new IllegalArgumentException("a bf16 tensor was given as the input of the " + format.id()
                    + " matmul, which takes float32 inputs only");
        }
    }

    @Override
    public void forward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int c, int oc) {
        parallel.requireOpen();
        CpuTensor o = CpuTensor.of(out, (long) n * oc);
        CpuTensor x = CpuTensor.ofEither(inp, (long) n * c);
        CpuTensor w = CpuTensor.of(weight, (long) oc * c);
        CpuTensor bs = CpuTensor.ofNullable(bias, oc);
        x16 = Rounding.grow(x16, (long) n * c);
        w16 = Rounding.grow(w16, (long) oc * c);
        inputOperand(x, n * c);
        rounding.round(w.data, w.offset, w16, oc * c);
        if (bs != null) {
            fp32.broadcastBias(o, bs, n, oc);
        }
        sgemm.gemm(false, true, n, oc, c, x16, 0, c, w16, 0, c, o.data, o.offset, oc, bs != null);
    }

    @Override
    public void backward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                         int n, int c, int oc) {
        parallel.requireOpen();
        CpuTensor di = CpuTensor.ofNullable(dinp, (long) n * c);
        CpuTensor dw = CpuTensor.of(dweight, (long) oc * c);
        CpuTensor db = CpuTensor.ofNullable(dbias, oc);
        CpuTensor g = CpuTensor.of(dout, (long) n * oc);
        CpuTensor x = CpuTensor.ofEither(inp, (long) n * c);
        CpuTensor w = CpuTensor.of(weight, (long) oc * c);
        g16 = Rounding.grow(g16, (long) n * oc);
        x16 = Rounding.grow(x16, (long) n * c);
        rounding.round(g.data, g.offset, g16, n * oc);
        inputOperand(x, n * c);
        if (di != null) {
            w16 = Rounding.grow(w16, (long) oc * c);
            rounding.round(w.data, w.offset, w16, oc * c);
            sgemm.gemm(false, false, n, c, oc, g16, 0, oc, w16, 0, c, di.data, di.offset, c, false);
        }
        sgemm.gemm(true, false, oc, c, n, g16, 0, oc, x16, 0, c, dw.data, dw.offset, c, true);
        if (db != null) {
            fp32.biasGradient(db, g, n, oc);
        }
    }
}
