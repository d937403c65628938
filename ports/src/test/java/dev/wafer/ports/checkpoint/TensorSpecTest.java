package dev.wafer.ports.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import dev.wafer.ports.compute.TensorScope;

/**
 * Arguments the ports' own code refuses where they are given, naming them: a shape of more elements than a long
 * counts (until 2026-12-08 an ArithmeticException from {@code elementCount()} later), and a null storage format.
 */
class TensorSpecTest {
    @Test
    void aShapeOfMoreElementsThanALongCountsIsRefusedNamingTheTensor() {
        int big = Integer.MAX_VALUE;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TensorSpec("params/huge", new int[] {big, big, big}));
        assertEquals("tensor params/huge of shape [2147483647, 2147483647, 2147483647] has more than 2^63-1 elements",
                e.getMessage());
        assertEquals((long) big * big, new TensorSpec("params/ok", new int[] {big, big}).elementCount());
    }

    @Test
    void aNullFormatIsRefusedByName() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> TensorScope.refusal("cpu", null));
        assertEquals("format", e.getMessage());
    }
}
