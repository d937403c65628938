package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.AdamWKernel;
import dev.wafer.ports.compute.Tensor;

/** The Modelzoo/HF AdamW update, element-wise on the device; the bias correction is computed on the host in double. */
final class CudaAdamW implements AdamWKernel {
    private final Gpu gpu;

    CudaAdamW(Gpu gpu) {
        this.gpu = gpu;
    }

    @Override
    public void update(Tensor params, Tensor grads, Tensor m, Tensor v, int n, float lr, float beta1, float beta2,
                       float eps, float weightDecay, int step) {
        if (step < 1) {
            throw new IllegalArgumentException("AdamW steps start at 1, got " + step);
        }
        CudaTensor p = CudaTensor.of(gpu, params, n);
        CudaTensor g = CudaTensor.of(gpu, grads, n);
        CudaTensor mm = CudaTensor.of(gpu, m, n);
        CudaTensor vv = CudaTensor.of(gpu, v, n);
        double correction = Math.sqrt(1 - Math.pow(beta2, step)) / (1 - Math.pow(beta1, step));
        if (n > 0) {
            gpu.launch(LaunchGeometry.linear(n), KernelArgs.of(CudaKernel.ADAMW_UPDATE)
                    .pointer(p.pointer()).pointer(g.pointer()).pointer(mm.pointer()).pointer(vv.pointer())
                    .integer(n).real(lr).real(beta1).real(beta2).real(eps).real(weightDecay)
                    .real((float) correction));
        }
    }
}
