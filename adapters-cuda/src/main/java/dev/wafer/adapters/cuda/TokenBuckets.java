package dev.wafer.adapters.cuda;

/**
 * The rows of a micro-batch grouped by token id, for the token-embedding gradient: {@code [U unique ids ascending |
 * U + 1 bucket starts | n row indices]}, the rows of a bucket in ascending order. One device thread per (id,
 * channel) then adds its bucket's rows in the same order the serial loop would, so the result is bit for bit the
 * baseline's, without walking all rows with one thread per channel. Built by counting on the host; the buffers are
 * kept and grown, so a step allocates nothing.
 */
final class TokenBuckets {
    private int[] counts = new int[0];
    private int[] packed = new int[0];
    private int unique;

    /**
     * Groups the first {@code n} of {@code tokens}, all in {@code [0, vocab)} (checked by the caller).
     *
     * @return the packed layout; valid until the next call
     */
    int[] group(int[] tokens, int n, int vocab) {
        if (counts.length < vocab) {
            counts = new int[vocab];
        }
        if (packed.length < 2 * n + 1 + n) {
            packed = new int[2 * n + 1 + n];
        }
        unique = 0;
        for (int i = 0; i < n; i++) {
            if (counts[tokens[i]]++ == 0) {
                unique++;
            }
        }
        // Ids ascending, each with its start; counts[id] becomes the next free slot of its bucket.
        int u = 0;
        int start = 0;
        int rows = 2 * unique + 1;
        for (int id = 0; id < vocab && u < unique; id++) {
            int c = counts[id];
            if (c > 0) {
                packed[u] = id;
                packed[unique + u] = start;
                counts[id] = start;
                start += c;
                u++;
            }
        }
        packed[2 * unique] = n;
        for (int i = 0; i < n; i++) {
            packed[rows + counts[tokens[i]]++] = i;
        }
        for (int i = 0; i < n; i++) {
            counts[tokens[i]] = 0;
        }
        return packed;
    }

    /** Distinct ids of the last {@link #group} call. */
    int unique() {
        return unique;
    }

    /** Ints of the last layout: {@code 2U + 1 + n}. */
    int length(int n) {
        return 2 * unique + 1 + n;
    }
}
