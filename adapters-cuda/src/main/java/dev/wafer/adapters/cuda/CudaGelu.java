package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.GeluKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * The exact (erf) GELU, element-wise: in double with the baseline kernels; in float with the fast ones
 * ({@code normcdff}, {@code expf}: double-precision erf and exp would make the kernel bound by the GPU's few double
 * units instead of memory), whose forward writes a bf16 output tensor directly.
 */
final class CudaGelu implements GeluKernel {
    private final Gpu gpu;
    private final boolean fast;

    /** @param fast the float kernels (and bf16 outputs, which only the fast kernels' runs create) */
    CudaGelu(Gpu gpu, boolean fast) {
        this.gpu = gpu;
        this.fast = fast;
    }

    @Override
    public void forward(Tensor out, Tensor inp, int n) {
        CudaTensor o = CudaTensor.ofEither(gpu, out, n);
        CudaTensor x = CudaTensor.of(gpu, inp, n);
        if (n > 0) {
            CudaKernel kernel = o.isBf16() ? CudaKernel.GELU_FORWARD_FAST_BF16
                    : fast ? CudaKernel.GELU_FORWARD_FAST : CudaKernel.GELU_FORWARD;
            gpu.launch(LaunchGeometry.linear(n), KernelArgs.of(kernel).pointer(o.pointer()).pointer(x.pointer())
                    .integer(n));
        }
    }

    @Override
    public void backward(Tensor dinp, Tensor inp, Tensor dout, int n) {
        CudaTensor dx = CudaTensor.of(gpu, dinp, n);
        CudaTensor x = CudaTensor.of(gpu, inp, n);
        CudaTensor dy = CudaTensor.of(gpu, dout, n);
        if (n > 0) {
            gpu.launch(LaunchGeometry.linear(n), KernelArgs.of(fast ? CudaKernel.GELU_BACKWARD_FAST
                    : CudaKernel.GELU_BACKWARD)
                    .pointer(dx.pointer()).pointer(x.pointer()).pointer(dy.pointer()).integer(n));
        }
    }
}
