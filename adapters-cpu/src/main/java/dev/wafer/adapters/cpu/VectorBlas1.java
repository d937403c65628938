package dev.wafer.adapters.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Blas1} on the Vector API; loaded only when {@code jdk.incubator.vector} is present. Results depend only on
 * the inputs (never on whether the code is interpreted or compiled), so training is reproducible bit for bit.
 */
final class VectorBlas1 implements Blas1 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) {
            acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
        }
        float s = sumLanes(acc);
        for (; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    /**
     * Sums the lanes in a fixed tree (halves added lane-wise). Why not {@code reduceLanes(ADD)}: its order is
     * unspecified and differs between compiled and interpreted code, so results would depend on JIT timing.
     */
    static float sumLanes(FloatVector v) {
        FloatVector acc = v;
        for (int half = L / 2; half >= 1; half /= 2) {
            acc = acc.add(acc.slice(half));
        }
        return acc.lane(0);
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, x, xo + i).fma(va, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }
}
