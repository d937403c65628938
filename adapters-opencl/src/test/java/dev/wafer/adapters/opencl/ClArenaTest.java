package dev.wafer.adapters.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** The arena allocator is pure bookkeeping, so it is tested without a device. */
class ClArenaTest {
    @Test
    void allocatesAlignedBlocksAndReusesFreedOnes() {
        ClArena a = new ClArena(160);
        int x = a.allocate(1);
        int y = a.allocate(17);
        int z = a.allocate(16);
        assertEquals(0, x);
        assertEquals(16, y);
        assertEquals(48, z);
        assertEquals(64, a.usedFloats());
        a.release(y);
        assertEquals(16, a.allocate(32), "the freed 32-float block is reused first-fit");
    }

    @Test
    void coalescesNeighboursAndGrows() {
        ClArena a = new ClArena(64);
        int x = a.allocate(32);
        int y = a.allocate(32);
        assertEquals(-1, a.allocate(16), "full");
        a.release(x);
        a.release(y);
        a.release(y); // freeing twice is ignored
        assertEquals(0, a.allocate(64), "both halves merged into one block");
        assertEquals(-1, a.allocate(1));
        a.grow(128);
        assertEquals(64, a.allocate(64));
        assertEquals(128, a.capacity());
    }

    @Test
    void growthMergesWithAFreeTail() {
        ClArena a = new ClArena(64);
        int x = a.allocate(16);
        a.grow(96);
        int big = a.allocate(80);
        assertEquals(16, big, "the old free tail and the new space form one block");
        assertNotEquals(x, big);
    }
}
