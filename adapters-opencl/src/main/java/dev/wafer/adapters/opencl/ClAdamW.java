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
        rt.launch(ClArgs.of(ClKernel.ADAMW).buffer("params", pp).buffer("grads", g).buffer("firstMoment", mm)
                .buffer("secondMoment", vv).integer("n", n).real("lr", lr).real("beta1", beta1).real("beta2", beta2)
                .real("eps", eps).real("weightDecay", weightDecay).real("correction", (float) correction), n);
    }
}
