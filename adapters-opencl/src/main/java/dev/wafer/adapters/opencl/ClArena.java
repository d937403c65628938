package dev.wafer.adapters.opencl;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * First-fit allocator of float ranges in the device arena, with coalescing of free neighbours. Pure bookkeeping:
 * it never touches memory. Blocks are aligned to {@link #ALIGN} floats (64 bytes).
 */
final class ClArena {
    static final int ALIGN = 16;

    private final TreeMap<Integer, Integer> free = new TreeMap<>();
    private final Map<Integer, Integer> used = new HashMap<>();
    private int capacity;

    ClArena(int capacity) {
        this.capacity = capacity;
        if (capacity > 0) {
            free.put(0, capacity);
        }
    }

    int capacity() {
        return capacity;
    }

    /** Floats currently allocated (after alignment). */
    long usedFloats() {
        long s = 0;
        for (int v : used.values()) {
            s += v;
        }
        return s;
    }

    static int aligned(long length) {
        return (int) ((length + ALIGN - 1) / ALIGN * ALIGN);
    }

    /** The offset of a new block of at least {@code length} floats, or -1 when no free block is large enough. */
    int allocate(int length) {
        int size = Math.max(ALIGN, aligned(length));
        for (Map.Entry<Integer, Integer> e : free.entrySet()) {
            if (e.getValue() >= size) {
                int off = e.getKey();
                int rest = e.getValue() - size;
                free.remove(off);
                if (rest > 0) {
                    free.put(off + size, rest);
                }
                used.put(off, size);
                return off;
            }
        }
        return -1;
    }

    /** Returns a block; unknown offsets are ignored (a block is freed once). */
    void release(int offset) {
        Integer size = used.remove(offset);
        if (size == null) {
            return;
        }
        int start = offset;
        int len = size;
        Map.Entry<Integer, Integer> before = free.floorEntry(start);
        if (before != null && before.getKey() + before.getValue() == start) {
            start = before.getKey();
            len += before.getValue();
            free.remove(before.getKey());
        }
        Integer after = free.get(offset + size);
        if (after != null) {
            free.remove(offset + size);
            len += after;
        }
        free.put(start, len);
    }

    /** Extends the arena to {@code newCapacity} floats; the new space is free. */
    void grow(int newCapacity) {
        if (newCapacity <= capacity) {
            return;
        }
        int old = capacity;
        capacity = newCapacity;
        used.put(old, newCapacity - old);
        release(old);
    }
}
