package dev.wafer.adapters.cpu;

import dev.wafer.ports.compute.GeluKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * A GELU whose forward may write a bf16 tensor ({@code Capability.BF16_STORAGE}): the float32 kernel runs into
 * {@link Bf16Output}'s scratch and the result is rounded once into the output. Float32 outputs and the backward go
 * to the float32 kernel unchanged.
 */
final class Bf16OutputGelu implements GeluKernel {
    private final GeluKernel fp32;
    private final Bf16Output output;

    Bf16OutputGelu(GeluKernel fp32, Bf16Output output) {
        this.fp32 = fp32;
        this.output = output;
    }

    @Override
    public void forward(Tensor out, Tensor inp, int n) {
        CpuTensor o = CpuTensor.ofEither(out, n);
        if (!o.isBf16()) {
            fp32.forward(out, inp, n);
            return;
        }
        fp32.forward(output.scratch(n), inp, n); // a bf16 output cannot alias the float32 input
        output.store(o, n);
    }

    @Override
    public void backward(Tensor dinp, Tensor inp, Tensor dout, int n) {
        fp32.backward(dinp, inp, dout, n);
    }
}
