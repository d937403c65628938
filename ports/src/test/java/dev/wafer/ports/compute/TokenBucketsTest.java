package dev.wafer.ports.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bucket layout of the token-embedding gradient: applying it as the CUDA and OpenCL kernels do (a
 * running sum per id and channel over the bucket's rows) gives the same bits as the baseline's serial loop over all
 * rows, for repeated, missing and extreme ids; and reusing the buffers across calls leaves no trace.
 */
class TokenBucketsTest {
    @Test
    void bucketsReproduceTheSerialLoopBitForBit() {
        long seed = 20261204L;
        Random random = new Random(seed);
        TokenBuckets buckets = new TokenBuckets();
        int c = 5;
        for (int trial = 0; trial < 30; trial++) {
            int vocab = 1 + random.nextInt(40);
            int n = 1 + random.nextInt(200);
            int[] tokens = new int[n + 3]; // longer than n: only the first n count
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = i % 7 == 0 ? vocab - 1 : random.nextInt(Math.max(1, vocab / (1 + trial % 3)));
            }
            float[] dout = new float[n * c];
            for (int i = 0; i < dout.length; i++) {
                dout[i] = (float) random.nextGaussian();
            }
            float m = 0.37f;
            float[] serial = new float[vocab * c];
            float[] bucketed = new float[vocab * c];
            for (int i = 0; i < serial.length; i++) {
                serial[i] = bucketed[i] = (float) random.nextGaussian();
            }
            for (int bt = 0; bt < n; bt++) {
                for (int i = 0; i < c; i++) {
                    serial[tokens[bt] * c + i] += m * dout[bt * c + i];
                }
            }
            int[] layout = buckets.group(tokens, n, vocab);
            int u = buckets.unique();
            assertEquals(2 * u + 1 + n, buckets.length(n));
            assertEquals(n, layout[2 * u], "the last start is n (seed " + seed + ")");
            for (int b = 0; b < u; b++) {
                if (b > 0) {
                    assertEquals(true, layout[b] > layout[b - 1], "ids ascending (seed " + seed + ")");
                }
                for (int i = 0; i < c; i++) {
                    float acc = bucketed[layout[b] * c + i];
                    for (int r = layout[u + b]; r < layout[u + b + 1]; r++) {
                        int row = layout[2 * u + 1 + r];
                        assertEquals(layout[b], tokens[row], "a row in its id's bucket (seed " + seed + ")");
                        acc += m * dout[row * c + i];
                    }
                    bucketed[layout[b] * c + i] = acc;
                }
            }
            assertArrayEquals(serial, bucketed, "trial " + trial + ", seed " + seed);
        }
    }
}
