package dev.wafer.conformance;

import static dev.wafer.conformance.support.Fixture.widen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.wafer.conformance.reference.ReferenceKernels;
import dev.wafer.conformance.support.Check;
import dev.wafer.conformance.support.FiniteDifferences;
import dev.wafer.conformance.support.Fixture;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.LayerNormKernel;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.conformance.tolerance.Tolerances;

/** LayerNorm forward (with saved mean/rstd) and backward. */
public interface LayerNormContract extends BackendContract {
    @Test
    default void layerNormMatchesReferenceAndFiniteDifferences(TestInfo info) {
        assumeCapable(Capability.LAYER_NORM);
        runLayerNorm(info, 3, 13, true);
        runLayerNorm(info, 1, 67, true);
        runLayerNorm(info, 40, 300, false);
    }

    private void runLayerNorm(TestInfo info, int n, int c, boolean fd) {
        try (Fixture f = fixture(info)) {
            String what = "layernorm N=" + n + " C=" + c;
            float[] inp = f.uniform(n * c, -2, 3);
            float[] w = f.uniform(c, 0.5, 1.5);
            float[] bias = f.uniform(c, -0.5, 0.5);
            Tensor out = f.garbage(n * c);
            Tensor mean = f.garbage(n);
            Tensor rstd = f.garbage(n);
            Tensor tin = f.upload(inp);
            Tensor tw = f.upload(w);
            LayerNormKernel k = backend().layerNorm();
            k.forward(out, mean, rstd, tin, tw, f.upload(bias), n, c);
            double[] ro = new double[n * c];
            double[] rm = new double[n];
            double[] rr = new double[n];
            ReferenceKernels.layerNormForward(ro, rm, rr, widen(inp), widen(w), widen(bias), n, c,
                    LayerNormKernel.EPSILON);
            Check.close(what + " out", f.seed(), Tolerances.LAYER_NORM, ro, out.toHost());
            Check.close(what + " mean", f.seed(), Tolerances.LAYER_NORM, rm, mean.toHost());
            Check.close(what + " rstd", f.seed(), Tolerances.LAYER_NORM, rr, rstd.toHost());

            float[] dout = f.uniform(n * c, -1, 1);
            float[] dw0 = f.uniform(c, -1, 1);
            float[] db0 = f.uniform(c, -1, 1);
            Tensor dinp = f.garbage(n * c);
            Tensor dw = f.upload(dw0);
            Tensor db = f.upload(db0);
            k.backward(dinp, dw, db, f.upload(dout), tin, tw, mean, rstd, n, c);
            double[] rdi = new double[n * c];
            double[] rdw = widen(dw0);
            double[] rdb = widen(db0);
            ReferenceKernels.layerNormBackward(rdi, rdw, rdb, widen(dout), widen(inp), widen(w), rm, rr, n, c);
            Check.close(what + " dinp", f.seed(), Tolerances.LAYER_NORM, rdi, dinp.toHost());
            Check.close(what + " dweight (accumulated)", f.seed(), Tolerances.LAYER_NORM, rdw, dw.toHost());
            Check.close(what + " dbias (accumulated)", f.seed(), Tolerances.LAYER_NORM, rdb, db.toHost());
            if (!fd) {
                return;
            }
            Tensor gw = f.scope().allocate(c);
            Tensor gb = f.scope().allocate(c);
            k.backward(dinp, gw, gb, f.upload(dout), tin, tw, mean, rstd, n, c);
            double[] wd = widen(dout);
            double[] xi = widen(inp);
            double[] xw = widen(w);
            double[] xb = widen(bias);
            double[] y = new double[n * c];
            double[] sm = new double[n];
            double[] sr = new double[n];
            FiniteDifferences.check(what + " dinp", f.seed(), xi, x -> {
                ReferenceKernels.layerNormForward(y, sm, sr, x, xw, xb, n, c, LayerNormKernel.EPSILON);
                return FiniteDifferences.dot(wd, y);
            }, dinp.toHost(), 80);
            FiniteDifferences.check(what + " dweight", f.seed(), xw, x -> {
                ReferenceKernels.layerNormForward(y, sm, sr, xi, x, xb, n, c, LayerNormKernel.EPSILON);
                return FiniteDifferences.dot(wd, y);
            }, gw.toHost(), 80);
            FiniteDifferences.check(what + " dbias", f.seed(), xb, x -> {
                ReferenceKernels.layerNormForward(y, sm, sr, xi, xw, x, n, c, LayerNormKernel.EPSILON);
                return FiniteDifferences.dot(wd, y);
            }, gb.toHost(), 80);
        }
    }
}
