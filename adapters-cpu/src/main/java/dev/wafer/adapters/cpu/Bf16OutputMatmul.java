package dev.wafer.adapters.cpu;

import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * A bf16 matmul whose forward may write its output as a bf16 tensor ({@code Capability.BF16_STORAGE}; the QKV
 * projection's, which only the bf16 attention reads, and it rounds Q, K, V to bf16 on entry anyway): the wrapped
 * kernel computes the float32 product plus bias into {@link Bf16Output}'s scratch and the result is rounded once into
 * the tensor. The whole output at once, not in row chunks: a GEMM's blocking may depend on the row count, and the
 * values must be those of the float32 output. Float32 outputs and the backward go to the wrapped kernel unchanged.
 */
final class Bf16OutputMatmul implements MatmulKernel {
    private final MatmulKernel inner;
    private final Bf16Output output;

    Bf16OutputMatmul(MatmulKernel inner, Bf16Output output) {
        this.inner = inner;
        this.output = output;
    }

    @Override
    public void forward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int k, int m) {
        int count = Math.multiplyExact(n, m);
        CpuTensor o = CpuTensor.ofEither(out, count);
        if (!o.isBf16()) {
            inner.forward(out, inp, weight, bias, n, k, m);
            return;
        }
        inner.forward(output.scratch(count), inp, weight, bias, n, k, m);
        output.store(o, count);
    }

    @Override
    public void backward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight, int n,
                         int k, int m) {
        inner.backward(dinp, dweight, dbias, dout, inp, weight, n, k, m);
    }
}
