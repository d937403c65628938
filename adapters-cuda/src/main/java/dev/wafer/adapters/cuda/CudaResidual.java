package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.ResidualKernel;
import dev.wafer.ports.compute.Tensor;

/** Element-wise add; its backward is two device-to-device copies. */
final class CudaResidual implements ResidualKernel {
    private final Gpu gpu;

    CudaResidual(Gpu gpu) {
        this.gpu = gpu;
    }

    @Override
    public void forward(Tensor out, Tensor a, Tensor b, int n) {
        CudaTensor o = CudaTensor.of(gpu, out, n);
        CudaTensor x = CudaTensor.of(gpu, a, n);
        CudaTensor y = CudaTensor.of(gpu, b, n);
        if (n > 0) {
            gpu.launch(LaunchGeometry.linear(n), KernelArgs.of(CudaKernel.RESIDUAL_FORWARD)
                    .pointer(o.pointer()).pointer(x.pointer()).pointer(y.pointer()).integer(n));
        }
    }

    @Override
    public void backward(Tensor da, Tensor db, Tensor dout, int n) {
        CudaTensor dy = CudaTensor.of(gpu, dout, n);
        for (Tensor target : new Tensor[] {da, db}) {
            CudaTensor d = CudaTensor.ofNullable(gpu, target, n);
            if (d != null && n > 0 && d.pointer() != dy.pointer()) {
                gpu.copy(d.pointer(), dy.pointer(), 4L * n);
            }
        }
    }
}
