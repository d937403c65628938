package dev.wafer.adapters.opencl;

import dev.wafer.ports.compute.LayerNormKernel;
import dev.wafer.ports.compute.Tensor;

/** LayerNorm: one work-item per row (float32 two-pass statistics); parameter gradients one work-item per channel. */
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
        synchronized (rt) {
            ClProgram p = rt.program();
            p.o0 = o.offset;
            p.o1 = m.offset;
            p.o2 = r.offset;
            p.o3 = x.offset;
            p.o4 = w.offset;
            p.o5 = bb.offset;
            p.n1 = c;
            p.f0 = EPSILON;
            rt.launch1d(ClProgram.LAYER_NORM_FORWARD, n);
        }
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
            ClProgram p = rt.program();
            p.o0 = dw.offset;
            p.o1 = db.offset;
            p.o2 = dy.offset;
            p.o3 = x.offset;
            p.o4 = m.offset;
            p.o5 = r.offset;
            p.n0 = n;
            p.n1 = c;
            rt.launchOver(ClProgram.LAYER_NORM_BACKWARD_PARAMS, c);
            p.o0 = dx.offset;
            p.o1 = dy.offset;
            p.o2 = x.offset;
            p.o3 = w.offset;
            p.o4 = m.offset;
            p.o5 = r.offset;
            p.n1 = c;
            rt.launch1d(ClProgram.LAYER_NORM_BACKWARD_INPUT, n);
        }
    }
}
