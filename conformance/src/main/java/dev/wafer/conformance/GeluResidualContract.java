package dev.wafer.conformance;

import static dev.wafer.conformance.support.Fixture.widen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.wafer.conformance.reference.Erf;
import dev.wafer.conformance.reference.ReferenceKernels;
import dev.wafer.conformance.support.Check;
import dev.wafer.conformance.support.FiniteDifferences;
import dev.wafer.conformance.support.Fixture;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.GeluKernel;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.conformance.tolerance.Tolerances;

/** Exact GELU and the residual add. */
public interface GeluResidualContract extends BackendContract {
    @Test
    default void geluIsTheErfFormAndMatchesFiniteDifferences(TestInfo info) {
        assumeCapable(Capability.GELU);
        try (Fixture f = fixture(info)) {
            int n = 67;
            float[] x = f.uniform(n, -7, 7);
            x[0] = 0f;
            x[1] = 1f; // exact GELU(1) = 0.8413447; the tanh form gives 0.8411920
            x[2] = -3f;
            x[3] = -10f;
            x[4] = 10f;
            GeluKernel k = backend().gelu();
            Tensor in = f.upload(x);
            Tensor out = f.garbage(n);
            k.forward(out, in, n);
            double[] ref = new double[n];
            ReferenceKernels.geluForward(ref, widen(x), n);
            float[] got = out.toHost();
            Check.close("gelu forward", f.seed(), Tolerances.GELU, ref, got);
            Check.close("gelu(1) is 1·Φ(1), not the tanh approximation", f.seed(), Tolerances.GELU,
                    Erf.phi(1.0), got[1]);

            float[] dout = f.uniform(n, -1, 1);
            Tensor dinp = f.garbage(n);
            k.backward(dinp, in, f.upload(dout), n);
            double[] rd = new double[n];
            ReferenceKernels.geluBackward(rd, widen(x), widen(dout), n);
            Check.close("gelu backward", f.seed(), Tolerances.GELU, rd, dinp.toHost());
            double[] wd = widen(dout);
            double[] y = new double[n];
            FiniteDifferences.check("gelu backward", f.seed(), widen(x), xx -> {
                ReferenceKernels.geluForward(y, xx, n);
                return FiniteDifferences.dot(wd, y);
            }, dinp.toHost(), n);

            // In place: out may alias inp, dinp may alias dout.
            Tensor inPlace = f.upload(x);
            k.forward(inPlace, inPlace, n);
            Check.close("gelu forward in place", f.seed(), Tolerances.GELU, ref, inPlace.toHost());
            Tensor dInPlace = f.upload(dout);
            k.backward(dInPlace, in, dInPlace, n);
            Check.close("gelu backward in place", f.seed(), Tolerances.GELU, rd, dInPlace.toHost());
        }
    }

    @Test
    default void residualAddsAndItsBackwardCopies(TestInfo info) {
        assumeCapable(Capability.RESIDUAL);
        try (Fixture f = fixture(info)) {
            int n = 131;
            float[] a = f.uniform(n, -5, 5);
            float[] b = f.uniform(n, -5, 5);
            double[] sum = new double[n];
            ReferenceKernels.residualForward(sum, widen(a), widen(b), n);
            Tensor out = f.garbage(n);
            var k = backend().residual();
            k.forward(out, f.upload(a), f.upload(b), n);
            Check.close("residual forward", f.seed(), Tolerances.ELEMENTWISE, sum, out.toHost());
            Tensor ta = f.upload(a);
            k.forward(ta, ta, f.upload(b), n);
            Check.close("residual forward in place", f.seed(), Tolerances.ELEMENTWISE, sum, ta.toHost());
            Tensor da = f.garbage(n);
            Tensor db = f.garbage(n);
            k.backward(da, db, f.upload(a), n);
            Check.close("residual backward da", f.seed(), Tolerances.ELEMENTWISE, widen(a), da.toHost());
            Check.close("residual backward db", f.seed(), Tolerances.ELEMENTWISE, widen(a), db.toHost());
            k.backward(null, db, f.upload(b), n);
            Check.close("residual backward db only", f.seed(), Tolerances.ELEMENTWISE, widen(b), db.toHost());
        }
    }
}
