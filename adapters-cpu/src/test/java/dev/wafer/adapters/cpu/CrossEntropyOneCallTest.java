package dev.wafer.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.wafer.ports.compute.CrossEntropyKernel;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's one-call cross-entropy (each row's gradient made while the row is in cache) gives the bits of its
 * forward then backward, on the vectorized and the scalar paths, in place and out of place: training keeps the losses
 * it had before the trainer called it. Seeded.
 */
class CrossEntropyOneCallTest {
    private static final long SEED = 20261207L;

    @Test
    void oneCallGivesTheBitsOfTheTwoCalls() {
        int n = 5;
        int v = 1003;
        float scale = 0.25f;
        float dloss = 0.37f / n;
        SplittableRandom r = new SplittableRandom(SEED);
        float[] logits = new float[n * v];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (r.nextDouble() * 16 - 8);
        }
        int[] targets = {0, 1002, 417, 5, 999};
        for (boolean vectorized : new boolean[] {true, false}) {
            try (CpuBackend backend = new CpuBackend(2, vectorized); TensorScope scope = backend.openScope()) {
                CrossEntropyKernel k = backend.crossEntropy();
                Tensor twoLosses = scope.allocate(n);
                Tensor two = upload(scope, logits);
                k.forward(twoLosses, two, two, targets, n, v, scale);
                k.backward(two, two, targets, n, v, scale, dloss);
                for (boolean inPlace : new boolean[] {true, false}) {
                    Tensor x = upload(scope, logits);
                    Tensor losses = scope.allocate(n);
                    Tensor dlogits = inPlace ? x : scope.allocate((long) n * v);
                    k.forwardAndBackward(losses, dlogits, x, targets, n, v, scale, dloss);
                    String what = (vectorized ? "vectorized" : "scalar") + (inPlace ? ", in place" : "")
                            + ", seed " + SEED;
                    assertArrayEquals(twoLosses.toHost(), losses.toHost(), "losses, " + what);
                    assertArrayEquals(two.toHost(), dlogits.toHost(), "dlogits, " + what);
                }
            }
        }
    }

    private static Tensor upload(TensorScope scope, float[] values) {
        Tensor t = scope.allocate(values.length);
        t.copyFromHost(values);
        return t;
    }
}
