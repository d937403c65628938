package dev.wafer.adapters.opencl;

import dev.wafer.ports.compute.GeluKernel;
import dev.wafer.ports.compute.Tensor;

/** Exact (erf) GELU, element-wise in float on the device (an erfc fit, as the CPU backend's); in place is allowed. */
final class ClGelu implements GeluKernel {
    private final ClRuntime rt;

    ClGelu(ClRuntime rt) {
        this.rt = rt;
    }

    @Override
    public void forward(Tensor out, Tensor inp, int n) {
        ClTensor o = ClTensor.of(rt, out, n);
        ClTensor x = ClTensor.of(rt, inp, n);
        rt.launch(ClArgs.of(ClKernel.GELU_FORWARD).buffer("out", o).buffer("inp", x).integer("n", n), n);
    }

    @Override
    public void backward(Tensor dinp, Tensor inp, Tensor dout, int n) {
        ClTensor dx = ClTensor.of(rt, dinp, n);
        ClTensor x = ClTensor.of(rt, inp, n);
        ClTensor dy = ClTensor.of(rt, dout, n);
        rt.launch(ClArgs.of(ClKernel.GELU_BACKWARD).buffer("dinp", dx).buffer("inp", x).buffer("dout", dy)
                .integer("n", n), n);
    }
}
