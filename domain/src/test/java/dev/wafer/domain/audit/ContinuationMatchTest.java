package dev.wafer.domain.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The per-window metric on hand-made continuations. */
class ContinuationMatchTest {
    @Test
    void identicalContinuationIsAnExactMatch() {
        ContinuationMatch m = ContinuationMatch.of(new int[] {5, 6, 7, 8}, new int[] {5, 6, 7, 8});
        assertTrue(m.exact());
        assertEquals(4, m.matched());
        assertEquals(1.0, m.matchRate());
        assertEquals(4, m.longestMatch());
    }

    @Test
    void oneWrongTokenIsNotMemorizedAndEndsTheLongestMatch() {
        ContinuationMatch m = ContinuationMatch.of(new int[] {5, 6, 7, 8, 9}, new int[] {5, 6, 0, 8, 9});
        assertFalse(m.exact());
        assertEquals(4, m.matched());
        assertEquals(0.8, m.matchRate(), 1e-12);
        assertEquals(2, m.longestMatch(), "tokens reproduced before the first divergence");
    }

    @Test
    void laterAgreementCountsInTheRateButNotInTheLongestMatch() {
        ContinuationMatch m = ContinuationMatch.of(new int[] {1, 2, 3, 4, 5, 6}, new int[] {9, 2, 3, 4, 5, 6});
        assertEquals(5, m.matched());
        assertEquals(0, m.longestMatch());
        ContinuationMatch none = ContinuationMatch.of(new int[] {1, 2, 3}, new int[] {4, 5, 6});
        assertEquals(0, none.matched());
        assertEquals(0.0, none.matchRate());
        assertEquals(0, none.longestMatch());
        assertFalse(none.exact());
    }

    @Test
    void lastTokenWrongIsNotExact() {
        ContinuationMatch m = ContinuationMatch.of(new int[] {1, 2, 3}, new int[] {1, 2, 4});
        assertFalse(m.exact());
        assertEquals(2, m.longestMatch());
        assertEquals(2.0 / 3, m.matchRate(), 1e-12);
    }

    @Test
    void lengthsMustAgree() {
        assertThrows(IllegalArgumentException.class, () -> ContinuationMatch.of(new int[] {1, 2}, new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> ContinuationMatch.of(new int[0], new int[0]));
    }
}
