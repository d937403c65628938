package dev.wafer.conformance;

import static dev.wafer.conformance.support.Fixture.widen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.wafer.conformance.reference.ReferenceKernels;
import dev.wafer.conformance.support.Check;
import dev.wafer.conformance.support.FiniteDifferences;
import dev.wafer.conformance.support.Fixture;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.conformance.tolerance.Tolerances;

/** Matmul with bias, including sizes that are not multiples of any vector width or block size. */
public interface MatmulContract extends BackendContract {
    @Test
    default void matmulSmallShapesMatchReferenceAndFiniteDifferences(TestInfo info) {
        assumeCapable(Capability.MATMUL);
        runMatmul(info, 1, 13, 67, true, true);
        runMatmul(info, 5, 67, 13, true, true);
        runMatmul(info, 3, 7, 5, false, true);
    }

    @Test
    default void matmulLargerShapesMatchReference(TestInfo info) {
        assumeCapable(Capability.MATMUL);
        runMatmul(info, 37, 129, 70, true, false);
        runMatmul(info, 130, 257, 300, true, false);
        runMatmul(info, 64, 64, 192, false, false);
    }

    private void runMatmul(TestInfo info, int n, int c, int oc, boolean withBias, boolean fd) {
        try (Fixture f = fixture(info)) {
            String what = "matmul N=" + n + " C=" + c + " OC=" + oc + (withBias ? "" : " no bias");
            float[] inp = f.uniform(n * c, -1, 1);
            float[] w = f.uniform(oc * c, -1, 1);
            float[] bias = withBias ? f.uniform(oc, -1, 1) : null;
            Tensor out = f.garbage(n * oc);
            Tensor tin = f.upload(inp);
            Tensor tw = f.upload(w);
            MatmulKernel k = backend().matmul();
            k.forward(out, tin, tw, withBias ? f.upload(bias) : null, n, c, oc);
            double[] ro = new double[n * oc];
            ReferenceKernels.matmulForward(ro, widen(inp), widen(w), withBias ? widen(bias) : null, n, c, oc);
            Check.close(what + " out", f.seed(), Tolerances.MATMUL, ro, out.toHost());

            float[] dout = f.uniform(n * oc, -1, 1);
            float[] dw0 = f.uniform(oc * c, -1, 1);
            float[] db0 = f.uniform(oc, -1, 1);
            Tensor dinp = f.garbage(n * c);
            Tensor dw = f.upload(dw0);
            Tensor db = withBias ? f.upload(db0) : null;
            k.backward(dinp, dw, db, f.upload(dout), tin, tw, n, c, oc);
            double[] rdi = new double[n * c];
            double[] rdw = widen(dw0);
            double[] rdb = withBias ? widen(db0) : null;
            ReferenceKernels.matmulBackward(rdi, rdw, rdb, widen(dout), widen(inp), widen(w), n, c, oc);
            Check.close(what + " dinp", f.seed(), Tolerances.MATMUL, rdi, dinp.toHost());
            Check.close(what + " dweight (accumulated)", f.seed(), Tolerances.MATMUL, rdw, dw.toHost());
            if (withBias) {
                Check.close(what + " dbias (accumulated)", f.seed(), Tolerances.MATMUL, rdb, db.toHost());
            }
            // dinp may be omitted for a first layer; the weight gradient must not change because of it.
            Tensor dw2 = f.scope().allocate((long) oc * c);
            k.backward(null, dw2, null, f.upload(dout), tin, tw, n, c, oc);
            double[] rdw2 = new double[oc * c];
            ReferenceKernels.matmulBackward(null, rdw2, null, widen(dout), widen(inp), widen(w), n, c, oc);
            Check.close(what + " dweight without dinp", f.seed(), Tolerances.MATMUL, rdw2, dw2.toHost());
            if (!fd) {
                return;
            }
            double[] wd = widen(dout);
            double[] xi = widen(inp);
            double[] xw = widen(w);
            double[] xb = withBias ? widen(bias) : null;
            double[] y = new double[n * oc];
            FiniteDifferences.check(what + " dinp", f.seed(), xi, x -> {
                ReferenceKernels.matmulForward(y, x, xw, xb, n, c, oc);
                return FiniteDifferences.dot(wd, y);
            }, dinp.toHost(), 60);
            FiniteDifferences.check(what + " dweight", f.seed(), xw, x -> {
                ReferenceKernels.matmulForward(y, xi, x, xb, n, c, oc);
                return FiniteDifferences.dot(wd, y);
            }, dw2.toHost(), 60);
            if (withBias) {
                Tensor gb = f.scope().allocate(oc);
                k.backward(null, f.scope().allocate((long) oc * c), gb, f.upload(dout), tin, tw, n, c, oc);
                FiniteDifferences.check(what + " dbias", f.seed(), xb, x -> {
                    ReferenceKernels.matmulForward(y, xi, xw, x, n, c, oc);
                    return FiniteDifferences.dot(wd, y);
                }, gb.toHost(), 60);
            }
        }
    }
}
