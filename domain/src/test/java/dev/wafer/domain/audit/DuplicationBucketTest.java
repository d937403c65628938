package dev.wafer.domain.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The decade buckets at and around every boundary. */
class DuplicationBucketTest {
    @Test
    void boundariesFallInTheBucketsCarliniEtAlUse() {
        assertEquals(DuplicationBucket.NONE, DuplicationBucket.of(0));
        assertEquals(DuplicationBucket.ONE, DuplicationBucket.of(1));
        assertEquals(DuplicationBucket.FEW, DuplicationBucket.of(2));
        assertEquals(DuplicationBucket.FEW, DuplicationBucket.of(9));
        assertEquals(DuplicationBucket.MANY, DuplicationBucket.of(10));
        assertEquals(DuplicationBucket.MANY, DuplicationBucket.of(99));
        assertEquals(DuplicationBucket.MOST, DuplicationBucket.of(100));
        assertEquals(DuplicationBucket.MOST, DuplicationBucket.of(Long.MAX_VALUE));
        assertEquals("2-9", DuplicationBucket.FEW.label());
        assertEquals("100+", DuplicationBucket.MOST.label());
        for (long c = 0; c < 1000; c++) {
            DuplicationBucket b = DuplicationBucket.of(c);
            assertEquals(true, b.min() <= c && c <= b.max(), c + " in " + b);
        }
    }

    @Test
    void negativeCopiesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> DuplicationBucket.of(-1));
    }
}
