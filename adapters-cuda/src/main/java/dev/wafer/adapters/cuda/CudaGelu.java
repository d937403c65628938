package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.GeluKernel;
import dev.wafer.ports.compute.Tensor;

/** The exact (erf) GELU, element-wise in double. */
final class CudaGelu implements GeluKernel {
    private final Gpu gpu;

    CudaGelu(Gpu gpu) {
        this.gpu = gpu;
    }

    @Override
    public void forward(Tensor out, Tensor inp, int n) {
        CudaTensor o = CudaTensor.of(gpu, out, n);
        CudaTensor x = CudaTensor.of(gpu, inp, n);
        if (n > 0) {
            gpu.launch(LaunchGeometry.linear(n), KernelArgs.of(CudaKernel.GELU_FORWARD)
                    .pointer(o.pointer()).pointer(x.pointer()).integer(n));
        }
    }

    @Override
    public void backward(Tensor dinp, Tensor inp, Tensor dout, int n) {
        CudaTensor dx = CudaTensor.of(gpu, dinp, n);
        CudaTensor x = CudaTensor.of(gpu, inp, n);
        CudaTensor dy = CudaTensor.of(gpu, dout, n);
        if (n > 0) {
            gpu.launch(LaunchGeometry.linear(n), KernelArgs.of(CudaKernel.GELU_BACKWARD)
                    .pointer(dx.pointer()).pointer(x.pointer()).pointer(dy.pointer()).integer(n));
        }
    }
}
