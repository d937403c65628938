package dev.wafer.conformance;

import static dev.wafer.conformance.support.Fixture.widen;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.wafer.conformance.reference.ReferenceKernels;
import dev.wafer.conformance.support.Check;
import dev.wafer.conformance.support.Fixture;
import dev.wafer.ports.compute.AdamWKernel;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.ReductionKernel;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.conformance.tolerance.Tolerances;

/** AdamW (the Modelzoo/HF variant) and the reductions used for clipping. */
public interface OptimizerContract extends BackendContract {
    @Test
    default void adamWIsTheModelzooVariant(TestInfo info) {
        assumeCapable(Capability.ADAMW);
        try (Fixture f = fixture(info)) {
            int n = 67;
            // A large eps makes "eps before vs after bias correction" visible at float precision.
            float lr = 0.01f;
            float b1 = 0.9f;
            float b2 = 0.95f;
            float eps = 1e-3f;
            float wd = 0.1f;
            float[] p0 = f.uniform(n, -1, 1);
            Tensor p = f.upload(p0);
            Tensor m = f.scope().allocate(n);
            Tensor v = f.scope().allocate(n);
            double[] rp = widen(p0);
            double[] rm = new double[n];
            double[] rv = new double[n];
            double[] tp = widen(p0);
            double[] tm = new double[n];
            double[] tv = new double[n];
            AdamWKernel k = backend().adamW();
            for (int step = 1; step <= 3; step++) {
                float[] g = f.uniform(n, -0.01, 0.01);
                k.update(p, f.upload(g), m, v, n, lr, b1, b2, eps, wd, step);
                ReferenceKernels.adamW(rp, widen(g), rm, rv, n, lr, b1, b2, eps, wd, step);
                torchAdamW(tp, widen(g), tm, tv, n, lr, b1, b2, eps, wd, step);
            }
            Check.close("adamw params", f.seed(), Tolerances.ADAMW, rp, p.toHost());
            Check.close("adamw m", f.seed(), Tolerances.ADAMW, rm, m.toHost());
            Check.close("adamw v", f.seed(), Tolerances.ADAMW, rv, v.toHost());
            float[] got = p.toHost();
            boolean differsFromTorch = false;
            for (int i = 0; i < n; i++) {
                differsFromTorch |= !Tolerances.ADAMW.accepts(tp[i], got[i]);
            }
            assertTrue(differsFromTorch, "update looks like torch.optim.AdamW, not the Modelzoo variant (seed "
                    + f.seed() + ")");

            // Zero weight decay and zero gradient leave parameters alone once moments are zero.
            Tensor q = f.upload(p0);
            k.update(q, f.scope().allocate(n), f.scope().allocate(n), f.scope().allocate(n), n, lr, b1, b2, eps,
                    0f, 1);
            Check.close("adamw no-op", f.seed(), Tolerances.ADAMW, widen(p0), q.toHost());
        }
    }

    /** torch.optim.AdamW, for contrast: decoupled decay p *= 1 - lr·wd, eps after bias correction. */
    private static void torchAdamW(double[] p, double[] g, double[] m, double[] v, int n, double lr, double b1,
                                   double b2, double eps, double wd, int step) {
        for (int i = 0; i < n; i++) {
            p[i] *= 1 - lr * wd;
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            double mh = m[i] / (1 - Math.pow(b1, step));
            double vh = v[i] / (1 - Math.pow(b2, step));
            p[i] -= lr * mh / (Math.sqrt(vh) + eps);
        }
    }

    @Test
    default void reductionsSumScaleAndFill(TestInfo info) {
        assumeCapable(Capability.REDUCTIONS);
        try (Fixture f = fixture(info)) {
            ReductionKernel k = backend().reductions();
            for (int n : new int[] {1, 13, 67, 100_003}) {
                float[] x = f.uniform(n, -3, 3);
                Tensor t = f.upload(x);
                Check.close("sumOfSquares n=" + n, f.seed(), Tolerances.SUM_OF_SQUARES,
                        ReferenceKernels.sumOfSquares(widen(x), n), k.sumOfSquares(t, n));
                k.scale(t, n, 0.25f);
                double[] scaled = widen(x);
                for (int i = 0; i < n; i++) {
                    scaled[i] *= 0.25f;
                }
                Check.close("scale n=" + n, f.seed(), Tolerances.ELEMENTWISE, scaled, t.toHost());
                k.fill(t, n, 0f);
                Check.close("fill n=" + n, f.seed(), Tolerances.ELEMENTWISE, new double[n], t.toHost());
            }
            float[] bad = f.uniform(67, -1, 1);
            bad[66] = Float.NaN;
            assertFalse(Double.isFinite(k.sumOfSquares(f.upload(bad), 67)), "a NaN must make the norm non-finite");
            bad[66] = Float.POSITIVE_INFINITY;
            assertFalse(Double.isFinite(k.sumOfSquares(f.upload(bad), 67)), "an infinity must make it non-finite");
            // Many tensors at once (the gradient norm's one round trip) equal one at a time, NaN included.
            int[] counts = {5, 100_003, 1, 67};
            Tensor[] many = new Tensor[counts.length];
            double[] expected = new double[counts.length];
            for (int i = 0; i < counts.length; i++) {
                float[] x = f.uniform(counts[i] + 3, -2, 2);
                if (i == 3) {
                    x[40] = Float.NaN;
                }
                many[i] = f.upload(x);
                expected[i] = ReferenceKernels.sumOfSquares(widen(x), counts[i]);
            }
            double[] sums = new double[counts.length];
            k.sumsOfSquares(many, counts, sums);
            for (int i = 0; i < 3; i++) {
                Check.close("sumsOfSquares tensor " + i, f.seed(), Tolerances.SUM_OF_SQUARES, expected[i], sums[i]);
            }
            assertFalse(Double.isFinite(sums[3]), "the NaN of the last tensor must show in its own sum");
            // Only the first n elements are touched.
            Tensor part = f.upload(new float[] {1, 2, 3, 4});
            k.fill(part, 2, 9f);
            Check.close("fill prefix", f.seed(), Tolerances.ELEMENTWISE, new double[] {9, 9, 3, 4}, part.toHost());
        }
    }
}
