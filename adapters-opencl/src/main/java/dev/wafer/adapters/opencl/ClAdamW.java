package dev.wafer.adapters.opencl;

import dev.wafer.ports.compute.AdamWKernel;
import dev.wafer.ports.compute.Tensor;

/** The Modelzoo/HF AdamW update, element-wise on the device; the bias correction is computed on the host in double. */
final class ClAdamW implements AdamWKernel {
    private final ClRuntime rt;

    ClAdamW(ClRuntime rt) {
        this.rt = rt;
    }

    @Override
    public void update(Tensor params, Tensor grads, Tensor m, Tensor v, int n, float lr, float beta1, float beta2,
                       float eps, float weightDecay, int step) {
        if (step < 1) {
            throw new IllegalArgumentException("AdamW steps start at 1, got " + step);
        }
        ClTensor pp = ClTensor.of(rt, params, n);
        ClTensor g = ClTensor.of(rt, grads, n);
        ClTensor mm = ClTensor.of(rt, m, n);
        ClTensor vv = ClTensor.of(rt, v, n);
        double correction = Math.sqrt(1 - Math.pow(beta2, step)) / (1 - Math.pow(beta1, step));
        synchronized (rt) {
            ClProgram p = rt.program();
            p.o0 = pp.offset;
            p.o1 = g.offset;
            p.o2 = mm.offset;
            p.o3 = vv.offset;
            p.f0 = lr;
            p.f1 = beta1;
            p.f2 = beta2;
            p.f3 = eps;
            p.f4 = weightDecay;
            p.correction = (float) correction;
            rt.launch1d(ClProgram.ADAMW, n);
        }
    }
}
