package dev.wafer.adapters.opencl;

import dev.wafer.ports.compute.ReductionKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * Sum of squares (a partial sum per work-group on the device, up to 1,024 a tensor, each a pair of floats of about a
 * double's precision, added on the host in double; several tensors' brought back in one read), scaling and filling.
 */
final class ClReductions implements ReductionKernel {
    private final ClRuntime rt;
    /** Offsets of {@link #sumsOfSquares}' tensors, grown as needed. */
    private int[] offsets = new int[0];

    ClReductions(ClRuntime rt) {
        this.rt = rt;
    }

    /** The one-tensor case of {@link #sumsOfSquares}. */
    @Override
    public double sumOfSquares(Tensor x, int n) {
        double[] sum = new double[1];
        sumsOfSquares(new Tensor[] {x}, new int[] {n}, sum);
        return sum[0];
    }

    @Override
    public void sumsOfSquares(Tensor[] tensors, int[] counts, double[] sums) {
        ReductionKernel.checkSumsOfSquares(tensors, counts, sums);
        synchronized (rt) {
            if (offsets.length < tensors.length) {
                offsets = new int[tensors.length];
            }
            for (int i = 0; i < tensors.length; i++) {
                offsets[i] = ClTensor.of(rt, tensors[i], counts[i]).offset;
            }
            rt.sumsOfSquares(offsets, counts, tensors.length, sums);
        }
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
