package dev.wafer.conformance;

import static dev.wafer.conformance.support.Fixture.widen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.wafer.conformance.reference.ReferenceKernels;
import dev.wafer.conformance.support.Check;
import dev.wafer.conformance.support.FiniteDifferences;
import dev.wafer.conformance.support.Fixture;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.conformance.tolerance.Tolerances;

/** Token + position embedding. */
public interface EncoderContract extends BackendContract {
    @Test
    default void encoderMatchesReferenceAndFiniteDifferences(TestInfo info) {
        assumeCapable(Capability.ENCODER);
        int[][] shapes = {{2, 3, 13, 11, 5}, {1, 1, 67, 7, 1}, {3, 4, 8, 50, 6}}; // B, T, C, V, maxT
        for (int[] s : shapes) {
            for (float mult : new float[] {1f, 10f}) {
                runEncoder(info, s[0], s[1], s[2], s[3], s[4], mult);
            }
        }
    }

    private void runEncoder(TestInfo info, int b, int t, int c, int v, int maxT, float mult) {
        try (Fixture f = fixture(info)) {
            String what = "encoder B=" + b + " T=" + t + " C=" + c + " mult=" + mult;
            float[] wte = f.uniform(v * c, -1, 1);
            float[] wpe = f.uniform(maxT * c, -1, 1);
            int[] tokens = f.ints(b * t, v);
            Tensor out = f.garbage(b * t * c);
            var k = backend().encoder();
            k.forward(out, tokens, f.upload(wte), f.upload(wpe), b, t, c, mult);
            double[] ref = new double[b * t * c];
            ReferenceKernels.encoderForward(ref, tokens, widen(wte), widen(wpe), b, t, c, mult);
            Check.close(what + " forward", f.seed(), Tolerances.ELEMENTWISE, ref, out.toHost());

            float[] dout = f.uniform(b * t * c, -1, 1);
            float[] dwte0 = f.uniform(v * c, -1, 1);
            float[] dwpe0 = f.uniform(maxT * c, -1, 1);
            Tensor dwte = f.upload(dwte0);
            Tensor dwpe = f.upload(dwpe0);
            k.backward(dwte, dwpe, f.upload(dout), tokens, b, t, c, mult);
            double[] rte = widen(dwte0);
            double[] rpe = widen(dwpe0);
            ReferenceKernels.encoderBackward(rte, rpe, widen(dout), tokens, b, t, c, mult);
            Check.close(what + " dwte (accumulated)", f.seed(), Tolerances.ELEMENTWISE, rte, dwte.toHost());
            Check.close(what + " dwpe (accumulated)", f.seed(), Tolerances.ELEMENTWISE, rpe, dwpe.toHost());

            // Finite differences on a fresh (zero) gradient: L = Σ dout · encoder(wte, wpe).
            Tensor gte = f.scope().allocate((long) v * c);
            Tensor gpe = f.scope().allocate((long) maxT * c);
            k.backward(gte, gpe, f.upload(dout), tokens, b, t, c, mult);
            double[] w = widen(dout);
            double[] xte = widen(wte);
            double[] xpe = widen(wpe);
            double[] y = new double[b * t * c];
            FiniteDifferences.check(what + " dwte", f.seed(), xte, x -> {
                ReferenceKernels.encoderForward(y, tokens, x, xpe, b, t, c, mult);
                return FiniteDifferences.dot(w, y);
            }, gte.toHost(), 60);
            FiniteDifferences.check(what + " dwpe", f.seed(), xpe, x -> {
                ReferenceKernels.encoderForward(y, tokens, xte, x, b, t, c, mult);
                return FiniteDifferences.dot(w, y);
            }, gpe.toHost(), 60);
        }
    }
}
