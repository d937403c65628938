package dev.wafer.domain.audit;

import java.util.Arrays;
import java.util.HashSet;
import java.util.SplittableRandom;

/** Seeded draws without replacement. */
final class Draws {
    private Draws() {
    }

    /**
     * {@code min(count, total)} distinct indices of {@code [0, total)}, sorted: all of them when {@code total <=
     * count}, else a uniform draw (Floyd's algorithm, {@code count} random numbers).
     */
    static long[] distinct(long total, int count, SplittableRandom random) {
        if (total <= count) {
            long[] all = new long[(int) total];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        HashSet<Long> chosen = new HashSet<>(count * 2);
        for (long j = total - count; j < total; j++) {
            long t = random.nextLong(j + 1);
            chosen.add(chosen.contains(t) ? j : t);
        }
        long[] out = new long[count];
        int i = 0;
        for (long v : chosen) {
            out[i++] = v;
        }
        Arrays.sort(out);
        return out;
    }
}
