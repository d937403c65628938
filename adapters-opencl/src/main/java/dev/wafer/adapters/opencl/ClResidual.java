package dev.wafer.adapters.opencl;

import dev.wafer.ports.compute.ResidualKernel;
import dev.wafer.ports.compute.Tensor;

/** Element-wise add and its backward (two device-side copies). */
final class ClResidual implements ResidualKernel {
    private final ClRuntime rt;

    ClResidual(ClRuntime rt) {
        this.rt = rt;
    }

    @Override
    public void forward(Tensor out, Tensor a, Tensor b, int n) {
        ClTensor o = ClTensor.of(rt, out, n);
        ClTensor x = ClTensor.of(rt, a, n);
        ClTensor y = ClTensor.of(rt, b, n);
        rt.launch(ClArgs.of(ClKernel.ADD).buffer("out", o).buffer("a", x).buffer("b", y).integer("n", n), n);
    }

    @Override
    public void backward(Tensor da, Tensor db, Tensor dout, int n) {
        ClTensor x = ClTensor.ofNullable(rt, da, n);
        ClTensor y = ClTensor.ofNullable(rt, db, n);
        ClTensor d = ClTensor.of(rt, dout, n);
        if (x != null && x.offset != d.offset) {
            rt.launch(ClArgs.of(ClKernel.COPY).buffer("out", x).buffer("inp", d).integer("n", n), n);
        }
        if (y != null && y.offset != d.offset) {
            rt.launch(ClArgs.of(ClKernel.COPY).buffer("out", y).buffer("inp", d).integer("n", n), n);
        }
    }
}
