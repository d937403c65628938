package dev.wafer.adapters.cpu;

import dev.wafer.ports.compute.AdamWKernel;
import dev.wafer.ports.compute.Tensor;

/** The Modelzoo/HF AdamW (see the port): element-wise in float, bias corrections computed once in double. */
final class CpuAdamW implements AdamWKernel {
    private final Parallel parallel;

    CpuAdamW(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void update(Tensor params, Tensor grads, Tensor m, Tensor v, int n, float lr, float beta1, float beta2,
                       float eps, float weightDecay, int step) {
        parallel.requireOpen();
        if (step < 1) {
            throw new IllegalArgumentException("optimizer steps count from 1, got " + step);
        }
        CpuTensor p = CpuTensor.of(params, n);
        CpuTensor g = CpuTensor.of(grads, n);
        CpuTensor mm = CpuTensor.of(m, n);
        CpuTensor vv = CpuTensor.of(v, n);
        float correction = (float) (Math.sqrt(1 - Math.pow(beta2, step)) / (1 - Math.pow(beta1, step)));
        float omb1 = 1f - beta1;
        float omb2 = 1f - beta2;
        parallel.range(n, 1 << 14, (w, from, to) -> {
            for (int i = from; i < to; i++) {
                float gi = g.data[g.offset + i];
                float mi = beta1 * mm.data[mm.offset + i] + omb1 * gi;
                float vi = beta2 * vv.data[vv.offset + i] + omb2 * gi * gi;
                mm.data[mm.offset + i] = mi;
                vv.data[vv.offset + i] = vi;
                float pi = p.data[p.offset + i];
                float u = mi / ((float) Math.sqrt(vi) + eps) * correction + weightDecay * pi;
                p.data[p.offset + i] = pi - lr * u;
            }
        });
    }
}
