package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.GeluKernel;
import dev.wafer.ports.compute.Tensor;

/** The exact (erf) GELU, element-wise in double; the forward's output may be a bf16 tensor ({@link Bf16Results}). */
final class CudaGelu implements GeluKernel {
    private final Gpu gpu;
    private final Bf16Results results;

    CudaGelu(Gpu gpu) {
        this.gpu = gpu;
        this.results = new Bf16Results(gpu);
    }

    @Override
    public void forward(Tensor out, Tensor inp, int n) {
        CudaTensor o = CudaTensor.ofEither(gpu, out, n);
        CudaTensor x = CudaTensor.of(gpu, inp, n);
        if (n > 0) {
            long y = results.target(o, n);
            gpu.launch(LaunchGeometry.linear(n), KernelArgs.of(CudaKernel.GELU_FORWARD)
                    .pointer(y).pointer(x.pointer()).integer(n));
            results.store(o, y, n);
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
