package dev.wafer.formats.reliability;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Random damage to a file's bytes for the fuzz tests: bit flips, truncation, extension and length-field edits. */
public final class FileMutations {
    private FileMutations() {
    }

    /**
     * One to three random mutations of a copy of {@code valid}.
     *
     * @param lengthFields offsets of little-endian u64 length or count fields, edited as numbers (may be empty)
     */
    public static byte[] mutate(byte[] valid, SplittableRandom rng, long... lengthFields) {
        byte[] b = valid.clone();
        int n = 1 + rng.nextInt(3);
        for (int m = 0; m < n; m++) {
            switch (rng.nextInt(lengthFields.length == 0 ? 5 : 6)) {
                case 0, 1 -> {
                    if (b.length > 0) {
                        int at = rng.nextInt(b.length);
                        b[at] ^= (byte) (1 << rng.nextInt(8));
                    }
                }
                case 2 -> b = Arrays.copyOf(b, b.length == 0 ? 0 : rng.nextInt(b.length));
                case 3 -> {
                    byte[] tail = new byte[1 + rng.nextInt(16)];
                    if (rng.nextBoolean()) {
                        rng.nextBytes(tail);
                    }
                    byte[] longer = Arrays.copyOf(b, b.length + tail.length);
                    System.arraycopy(tail, 0, longer, b.length, tail.length);
                    b = longer;
                }
                case 4 -> {
                    if (b.length > 0) {
                        b[rng.nextInt(b.length)] = (byte) rng.nextInt(256);
                    }
                }
                default -> {
                    int at = (int) lengthFields[rng.nextInt(lengthFields.length)];
                    if (b.length >= at + 8) {
                        ByteBuffer f = ByteBuffer.wrap(b, at, 8).order(ByteOrder.LITTLE_ENDIAN);
                        long old = f.getLong(at);
                        long[] choices = {old + 1, old - 1, old + 8, old - 8, 0, -1, Long.MAX_VALUE, Long.MIN_VALUE,
                                old * 2, rng.nextLong(), old + 1 + rng.nextInt(1 << 16)};
                        f.putLong(at, choices[rng.nextInt(choices.length)]);
                    }
                }
            }
        }
        return b;
    }
}
