package dev.wafer.adapters.opencl;

import dev.wafer.ports.compute.ReductionKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * Sum of squares (1024 partial sums on the device, each a pair of floats of about a double's precision, added on the
 * host in double), scaling and filling.
 */
final class ClReductions implements ReductionKernel {
    private final ClRuntime rt;

    ClReductions(ClRuntime rt) {
        this.rt = rt;
    }

    @Override
    public double sumOfSquares(Tensor x, int n) {
        ClTensor t = ClTensor.of(rt, x, n);
        return rt.sumOfSquares(t.offset, n);
    }

    @Override
    public void scale(Tensor x, int n, float factor) {
        ClTensor t = ClTensor.of(rt, x, n);
        rt.launch(ClArgs.of(ClKernel.SCALE).buffer("x", t).integer("n", n).real("factor", factor), n);
    }

    @Override
    public void fill(Tensor x, int n, float value) {
        ClTensor t = ClTensor.of(rt, x, n);
        rt.fill(t.offset, n, value);
    }
}
