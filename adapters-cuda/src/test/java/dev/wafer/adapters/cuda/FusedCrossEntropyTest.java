package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wafer.ports.compute.CrossEntropyKernel;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast kernels' one-call cross-entropy ({@code crossentropy_forward_backward_online}) gives the bits of their
 * forward then backward ({@code crossentropy_forward_online}, {@code crossentropy_backward_rows}): the same losses
 * and the same logit gradients, with a muP logit scale and a loss weight, in place and out of place, and takes one
 * launch. The contract suite holds every backend to the reference within the kernel tolerance; this holds the CUDA
 * kernels to each other exactly, on the simulated GPU (their code rounds the probabilities alike, so a GPU's
 * compiler should keep the bits too). Seeded.
 */
@HostOnly
class FusedCrossEntropyTest {
    private static final long SEED = 20261206L;

    @Test
    void oneCallGivesTheBitsOfTheForwardThenTheBackward() {
        int n = 3;
        int v = 1000;
        float scale = 1f / 3;
        float dloss = 0.37f / n;
        SplittableRandom r = new SplittableRandom(SEED);
        float[] logits = new float[n * v];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (r.nextDouble() * 16 - 8);
        }
        int[] targets = {0, 999, 417};
        SimulatedGpu gpu = new SimulatedGpu(SimulatedDevice.simulator(), false);
        try (CudaBackend backend = new CudaBackend(gpu, "simulated"); TensorScope scope = backend.openScope()) {
            CrossEntropyKernel k = backend.crossEntropy();
            Tensor twoLosses = scope.allocate(n);
            Tensor two = upload(scope, logits);
            k.forward(twoLosses, two, two, targets, n, v, scale);
            k.backward(two, two, targets, n, v, scale, dloss);
            for (boolean inPlace : new boolean[] {true, false}) {
                Tensor x = upload(scope, logits);
                Tensor losses = scope.allocate(n);
                Tensor dlogits = inPlace ? x : scope.allocate((long) n * v);
                long before = gpu.launches();
                k.forwardAndBackward(losses, dlogits, x, targets, n, v, scale, dloss);
                assertEquals(1L, gpu.launches() - before, "one kernel");
                String what = (inPlace ? "in place" : "out of place") + ", seed " + SEED;
                assertArrayEquals(twoLosses.toHost(), losses.toHost(), "losses, " + what);
                assertArrayEquals(two.toHost(), dlogits.toHost(), "dlogits, " + what);
            }
        }
    }

    private static Tensor upload(TensorScope scope, float[] values) {
        Tensor t = scope.allocate(values.length);
        t.copyFromHost(values);
        return t;
    }
}
