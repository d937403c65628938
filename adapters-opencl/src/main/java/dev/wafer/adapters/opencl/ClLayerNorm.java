package dev.wafer.adapters.opencl;

import dev.wafer.ports.compute.LayerNormKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * LayerNorm: a work-group per row (float32 two-pass statistics summed across the group); parameter gradients by
 * {@link ClColumnSums} (a work-item per channel and chunk of rows, then per channel).
 */
final class ClLayerNorm implements LayerNormKernel {
    private final ClRuntime rt;

    ClLayerNorm(ClRuntime rt) {
        this.rt = rt;
    }

    @Override
    public void forward(Tensor out, Tensor mean, Tensor rstd, Tensor inp, Tensor weight, Tensor bias, int n, int c) {
        long nc = (long) n * c;
        ClTensor o = ClTensor.of(rt, out, nc);
        ClTensor m = ClTensor.of(rt, mean, n);
        ClTensor r = ClTensor.of(rt, rstd, n);
        ClTensor x = ClTensor.of(rt, inp, nc);
        ClTensor w = ClTensor.of(rt, weight, c);
        ClTensor bb = ClTensor.of(rt, bias, c);
        rt.launchRows(ClArgs.of(ClKernel.LAYER_NORM_FORWARD).buffer("out", o).buffer("mean", m).buffer("rstd", r)
                .buffer("inp", x).buffer("weight", w).buffer("bias", bb).integer("c", c).real("eps", EPSILON),
                n);
    }

    @Override
    public void backward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                         Tensor mean, Tensor rstd, int n, int c) {
        long nc = (long) n * c;
        ClTensor dx = ClTensor.of(rt, dinp, nc);
        ClTensor dw = ClTensor.of(rt, dweight, c);
        ClTensor db = ClTensor.of(rt, dbias, c);
        ClTensor dy = ClTensor.of(rt, dout, nc);
        ClTensor x = ClTensor.of(rt, inp, nc);
        ClTensor w = ClTensor.of(rt, weight, c);
        ClTensor m = ClTensor.of(rt, mean, n);
        ClTensor r = ClTensor.of(rt, rstd, n);
        synchronized (rt) {
            ClColumnSums.accumulate(rt, db.offset, dw.offset, dy.offset, x.offset, m.offset, r.offset, n, c);
        }
        rt.launchRows(ClArgs.of(ClKernel.LAYER_NORM_BACKWARD_INPUT).buffer("dinp", dx).buffer("dout", dy)
                .buffer("inp", x).buffer("weight", w).buffer("mean", m).buffer("rstd", r).integer("c", c),
                n);
    }
}
