package dev.wafer.formats.data;

import java.util.Arrays;

/** Appendable primitive arrays: millions of positions without a boxed object each. */
final class GrowableArrays {
    private GrowableArrays() {
    }

    /** Longs appended in order. */
    static final class Longs {
        private long[] values;
        private int size;

        /** Room for {@code expected} values first (a hint: more may be added). */
        Longs(long expected) {
            values = new long[(int) Math.clamp(expected, 16, Integer.MAX_VALUE - 16)];
        }

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, grown(size));
            }
            values[size++] = value;
        }

        long[] toArray() {
            return size == values.length ? values : Arrays.copyOf(values, size);
        }
    }

    /** Ints appended in order. */
    static final class Ints {
        private int[] values = new int[16];
        private int size;

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, grown(size));
            }
            values[size++] = value;
        }

        int[] toArray() {
            return size == values.length ? values : Arrays.copyOf(values, size);
        }
    }

    private static int grown(int size) {
        if (size == Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("more than " + size + " documents in one split");
        }
        return (int) Math.min(Integer.MAX_VALUE - 16L, size + (size >> 1) + 16L);
    }
}
