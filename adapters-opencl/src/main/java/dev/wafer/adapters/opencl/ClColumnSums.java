package dev.wafer.adapters.opencl;

/**
 * Column sums over many rows in two launches: a work-item per (column, chunk of rows) sums its chunk, then a
 * work-item per column adds its chunks in order. The bias gradient ({@code dbias += Σ rows dout}) and LayerNorm's
 * parameter gradients ({@code dbias += Σ dout}, {@code dweight += Σ norm · dout}). The chunking depends on the shape
 * alone, so a shape's sums are the same in every run.
 */
final class ClColumnSums {
    /** About this many work-items in the first launch: enough for a GPU, whatever the column count. */
    static final int TARGET_ITEMS = 1 << 16;

    private ClColumnSums() {
    }

    /** Rows per chunk for {@code rows x cols}: about {@link #TARGET_ITEMS} chunks of columns in all. */
    static int chunkRows(int rows, int cols) {
        int chunks = Math.max(1, Math.min(rows, (TARGET_ITEMS + cols - 1) / cols));
        return (rows + chunks - 1) / chunks;
    }

    /**
     * dsum[col] += Σ rows dout[r, col], and with {@code inp} (not negative) also dweighted[col] += Σ rows
     * (inp[r, col] - mean[r]) * rstd[r] * dout[r, col]. Caller holds the runtime's lock.
     */
    static void accumulate(ClRuntime rt, int dsum, int dweighted, int dout, int inp, int mean, int rstd, int rows,
                           int cols) {
        if (rows <= 0 || cols <= 0) {
            return;
        }
        boolean normed = inp >= 0;
        int chunkRows = chunkRows(rows, cols);
        int chunks = (rows + chunkRows - 1) / chunkRows;
        int n = Math.multiplyExact(chunks, cols);
        int partials = rt.scratch(normed ? 2L * n : n);
        rt.launch(ClArgs.of(ClKernel.COLUMN_CHUNK_SUMS).buffer("partials", partials).buffer("dout", dout)
                .buffer("inp", Math.max(inp, 0)).buffer("mean", Math.max(mean, 0)).buffer("rstd", Math.max(rstd, 0))
                .integer("n", n).integer("rows", rows).integer("cols", cols).integer("chunkRows", chunkRows)
                .integer("normed", normed ? 1 : 0), n);
        rt.launch(ClArgs.of(ClKernel.COLUMN_CHUNKS_ACCUMULATE).buffer("dsum", dsum)
                .buffer("dweighted", Math.max(dweighted, 0)).buffer("partials", partials).integer("cols", cols)
                .integer("chunks", chunks).integer("normed", normed ? 1 : 0), cols);
    }
}
