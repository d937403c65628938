package dev.wafer.domain.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** The sampler that ranks primitive keys draws every token the one that sorted boxed ids drew. */
class LogitsSamplerEquivalenceTest {
    private static final long SEED = 20261208L;
    private static final double[] TEMPERATURES = {1e-300, 0.05, 0.3, 0.7, 1, 1.5, 4};
    private static final double[] TOP_PS = {1, 1, 0.999, 0.9, 0.5, 0.1, 1e-9};

    @Test
    void sampledTokensAndCandidatesEqualThoseOfSortingBoxedIds() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int c = 0; c < 600; c++) {
            int vocab = c % 100 == 0 ? 50_257 : 1 + random.nextInt(c % 3 == 0 ? 8 : 600);
            int topK = switch (random.nextInt(6)) {
                case 0, 1 -> 0;
                case 2 -> 1 + random.nextInt(Math.min(vocab, 50));
                case 3 -> vocab - random.nextInt(Math.min(vocab, 3));
                case 4 -> vocab + 1 + random.nextInt(5);
                default -> 1 + random.nextInt(vocab);
            };
            SamplingSettings s = new SamplingSettings(TEMPERATURES[random.nextInt(TEMPERATURES.length)], topK,
                    TOP_PS[random.nextInt(TOP_PS.length)], random.nextLong());
            String what = "seed " + SEED + ", case " + c + ": " + s + ", vocab " + vocab;
            LogitsSampler sampler = new LogitsSampler(s);
            ReferenceSampler reference = new ReferenceSampler(s);
            for (int token = 0; token < (vocab > 10_000 ? 3 : 25); token++) {
                float[] logits = logits(random, vocab);
                Candidates expected = reference.candidates(logits);
                Candidates actual = sampler.candidates(logits);
                assertArrayEquals(expected.tokens(), actual.tokens(), what);
                assertArrayEquals(expected.probabilities(), actual.probabilities(), what);
                assertEquals(reference.sample(logits), sampler.sample(logits), what + ", token " + token);
            }
        }
    }

    /** Logits with many ties, signed zeros and -infinity, or spread ones. */
    private static float[] logits(SplittableRandom random, int vocab) {
        float[] l = new float[vocab];
        int style = random.nextInt(3);
        for (int i = 0; i < vocab; i++) {
            l[i] = switch (style) {
                case 0 -> (float) random.nextGaussian() * 3;
                case 1 -> (random.nextInt(4) - 2) * 0.5f;
                default -> switch (random.nextInt(5)) {
                    case 0 -> 0f;
                    case 1 -> -0f;
                    case 2 -> Float.NEGATIVE_INFINITY;
                    default -> (float) random.nextDouble(-20, 20);
                };
            };
        }
        if (style == 2) {
            l[random.nextInt(vocab)] = 1f; // at least one finite logit, else both throw
        }
        return l;
    }

    @Test
    void samplingAllocatesNothingPerToken() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        float[] logits = logits(new SplittableRandom(SEED), 50_257);
        for (SamplingSettings s : new SamplingSettings[] {new SamplingSettings(1, 0, 1, SEED),
            new SamplingSettings(0.8, 40, 1, SEED), new SamplingSettings(0.8, 0, 0.9, SEED)}) {
            LogitsSampler sampler = new LogitsSampler(s);
            sampler.sample(logits); // sizes the buffers
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 50; i++) {
                sampler.sample(logits);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            // Sorting boxed ids allocated about 1 MB per token; a few KB in all leaves room for the JVM's own.
            assertTrue(allocated < 64 * 1024, s + ": " + allocated + " bytes for 50 tokens");
        }
    }

    /** The sampler as it was: boxes every token id and sorts them with a comparator for each token. */
    private static final class ReferenceSampler {
        private final SamplingSettings settings;
        private final SplittableRandom random;

        ReferenceSampler(SamplingSettings settings) {
            this.settings = settings;
            this.random = new SplittableRandom(settings.seed());
        }

        int sample(float[] logits) {
            Candidates c = candidates(logits);
            double[] p = c.probabilities();
            double u = random.nextDouble();
            double cumulative = 0;
            for (int i = 0; i < p.length; i++) {
                cumulative += p[i];
                if (u < cumulative) {
                    return c.tokens()[i];
                }
            }
            return c.tokens()[p.length - 1];
        }

        Candidates candidates(float[] logits) {
            Integer[] order = IntStream.range(0, logits.length).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i));
            int kept = settings.topK() > 0 ? Math.min(settings.topK(), order.length) : order.length;
            double max = logits[order[0]];
            double[] weights = new double[kept];
            double total = 0;
            for (int i = 0; i < kept; i++) {
                weights[i] = Math.exp((logits[order[i]] - max) / settings.temperature());
                total += weights[i];
            }
            if (settings.topP() < 1) {
                double cumulative = 0;
                int n = 0;
                while (n < kept) {
                    cumulative += weights[n] / total;
                    n++;
                    if (cumulative >= settings.topP()) {
                        break;
                    }
                }
                kept = n;
            }
            int[] tokens = new int[kept];
            double[] probs = new double[kept];
            double keptTotal = 0;
            for (int i = 0; i < kept; i++) {
                keptTotal += weights[i];
            }
            for (int i = 0; i < kept; i++) {
                tokens[i] = order[i];
                probs[i] = weights[i] / keptTotal;
            }
            return new Candidates(tokens, probs);
        }
    }
}
