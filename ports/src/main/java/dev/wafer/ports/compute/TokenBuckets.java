package dev.wafer.ports.compute;

/**
 * The rows of a micro-batch grouped by token id, for device backends' token-embedding gradient
 * ({@link EncoderKernel#backward}): {@code [U unique ids ascending | U + 1 bucket starts | n row indices]}, the rows
 * of a bucket in ascending order. One device thread per (id, channel) then adds its bucket's rows in the same order
 * a serial loop over all rows would, so the result is bit for bit the serial loop's, without walking all rows with
 * one thread per channel (a GPU would get only C threads) and without atomics (whose order varies from run to run).
 * Built by counting on the host; the buffers are kept and grown, so a step allocates nothing. Not thread-safe: one
 * instance per kernel.
 */
public final class TokenBuckets {
    private int[] counts = new int[0];
    private int[] packed = new int[0];
    private int unique;

    /** Empty buffers, grown by the first {@link #group} call. */
    public TokenBuckets() {
    }

    /**
     * Groups the first {@code n} of {@code tokens}, all in {@code [0, vocab)} (checked by the caller).
     *
     * @param tokens the micro-batch's token ids, row by row
     * @param n      how many of them count
     * @param vocab  the number of ids
     * @return the packed layout, {@link #length} ints of it; valid until the next call
     */
    public int[] group(int[] tokens, int n, int vocab) {
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

    /**
     * How many distinct ids the last {@link #group} call found: the layout's {@code U}.
     *
     * @return the distinct ids of the last call
     */
    public int unique() {
        return unique;
    }

    /**
     * The length of the last layout, to upload that many ints of it.
     *
     * @param n the {@code n} of the last {@link #group} call
     * @return the ints of its layout, {@code 2U + 1 + n}
     */
    public int length(int n) {
        return 2 * unique + 1 + n;
    }
}
