package dev.wafer.domain.data.dedup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.wafer.domain.data.WordShingles;

/** MinHash estimates against exact Jaccard similarity, and the text rules of signatures. */
class MinHasherTest {
    private static final long SEED = 20261204L;

    /** Two random sets of 64-bit elements with {@code common} shared and {@code only} in each alone. */
    private static long[][] pair(SplittableRandom r, int common, int only) {
        long[] a = new long[common + only];
        long[] b = new long[common + only];
        for (int i = 0; i < common; i++) {
            a[i] = b[i] = r.nextLong();
        }
        for (int i = common; i < common + only; i++) {
            a[i] = r.nextLong();
            b[i] = r.nextLong();
        }
        Arrays.sort(a);
        Arrays.sort(b);
        return new long[][] {a, b};
    }

    @Test
    void estimatesExactJaccardWithinTheBinomialBound() {
        SplittableRandom r = new SplittableRandom(SEED);
        MinHasher hasher = new MinHasher();
        int k = hasher.length();
        double sumError = 0;
        int trials = 0;
        for (int common : new int[] {0, 20, 100, 300, 600, 1000}) {
            for (int t = 0; t < 25; t++) {
                int only = 1 + r.nextInt(400);
                long[][] p = pair(r, common, only);
                double exact = Jaccard.ofSorted(p[0], p[1]);
                double estimate = MinHasher.estimatedJaccard(hasher.signatureOf(p[0]), hasher.signatureOf(p[1]));
                // Each entry agrees with probability J: the estimate is Binomial(k, J)/k. Five standard errors
                // (plus one entry for J near 0 or 1) fail a correct hasher about once in 3.5 million trials.
                double bound = 5 * Math.sqrt(exact * (1 - exact) / k) + 1.0 / k;
                assertTrue(Math.abs(estimate - exact) <= bound, "seed " + SEED + ": common " + common + ", only "
                        + only + ": exact " + exact + ", estimate " + estimate + ", bound " + bound);
                sumError += estimate - exact;
                trials++;
            }
        }
        // Unbiased: the mean error over 150 pairs is far below one entry's weight.
        assertTrue(Math.abs(sumError / trials) < 0.01, "seed " + SEED + ": mean error " + sumError / trials);
    }

    @Test
    void identicalSetsAgreeEverywhereAndDisjointOnesAlmostNowhere() {
        SplittableRandom r = new SplittableRandom(SEED + 1);
        MinHasher hasher = new MinHasher();
        long[][] same = pair(r, 500, 0);
        assertEquals(1.0, MinHasher.estimatedJaccard(hasher.signatureOf(same[0]), hasher.signatureOf(same[1])));
        long[][] disjoint = pair(r, 0, 500);
        assertTrue(MinHasher.estimatedJaccard(hasher.signatureOf(disjoint[0]), hasher.signatureOf(disjoint[1]))
                <= 2.0 / hasher.length(), "seed " + (SEED + 1));
    }

    @Test
    void signaturesIgnoreCaseWhitespaceAndPunctuationAndFollowTheShingles() {
        MinHasher hasher = new MinHasher();
        String text = "The court finds that the model weights were trained on books without a licence, and so on.";
        int[] s = hasher.signature(text);
        assertArrayEquals(s, hasher.signature("THE COURT  finds that\n\nthe model weights were trained on books"
                + " without a licence and so on"));
        assertArrayEquals(s, hasher.signatureOf(new WordShingles(DedupSettings.SHINGLE_WORDS).distinct(text)),
                "the signature is that of the text's 5-word shingles");
    }

    @Test
    void aTextShorterThanOneShingleIsOneShingleOfAllItsWordsAndOneWithoutWordsHasNone() {
        MinHasher hasher = new MinHasher();
        int[] short1 = hasher.signature("Hello, brave world.");
        assertNotNull(short1);
        assertArrayEquals(short1, hasher.signatureOf(new WordShingles(3).distinct("hello brave world")));
        assertArrayEquals(short1, hasher.signature("hello   BRAVE world"));
        assertTrue(MinHasher.estimatedJaccard(short1, hasher.signature("Hello, brave new world.")) < 0.1,
                "another word makes another shingle");
        assertNull(hasher.signature(" ... !!! "));
    }
}
