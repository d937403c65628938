package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;

/**
 * The linear layer with its three products on operands rounded to a 16-bit format and float32 accumulation: the
 * operands are rounded into scratch buffers and the float32 GEMMs run on them. A product of two 16-bit values is
 * exact in float32, so this computes what 16-bit-input tensor cores with float32 accumulators compute (not at their
 * speed). The bias and its gradient stay float32: the bias gradient sums the unrounded output gradient.
 */
final class CudaMixedMatmul implements MatmulKernel {
    static final int INPUT_SLOT = 3;
    static final int WEIGHT_SLOT = 4;
    static final int GRADIENT_SLOT = 5;

    private final Gpu gpu;
    private final CudaMatmul fp32;
    private final Rounder rounder;

    CudaMixedMatmul(Gpu gpu, CudaMatmul fp32, OperandFormat format) {
        this.gpu = gpu;
        this.fp32 = fp32;
        this.rounder = new Rounder(gpu, format);
    }

    @Override
    public void forward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int c, int oc) {
        CudaTensor o = CudaTensor.of(gpu, out, (long) n * oc);
        CudaTensor x = CudaTensor.of(gpu, inp, (long) n * c);
        CudaTensor w = CudaTensor.of(gpu, weight, (long) oc * c);
        CudaTensor b = CudaTensor.ofNullable(gpu, bias, oc);
        long xr = rounder.rounded(INPUT_SLOT, x.pointer(), (long) n * c);
        long wr = rounder.rounded(WEIGHT_SLOT, w.pointer(), (long) oc * c);
        fp32.forward(o.pointer(), xr, wr, b == null ? 0 : b.pointer(), n, c, oc);
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
        long xr = rounder.rounded(INPUT_SLOT, x.pointer(), (long) n * c);
        long wr = rounder.rounded(WEIGHT_SLOT, w.pointer(), (long) oc * c);
        long dyr = rounder.rounded(GRADIENT_SLOT, dy.pointer(), (long) n * oc);
        fp32.backward(dx == null ? 0 : dx.pointer(), dw.pointer(), db == null ? 0 : db.pointer(), dy.pointer(), xr,
                wr, dyr, n, c, oc);
    }
}
