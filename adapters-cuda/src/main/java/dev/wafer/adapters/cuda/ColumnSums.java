package dev.wafer.adapters.cuda;

/**
 * Sums over the rows of a row-major {@code (n, cols)} tensor, per column, in two deterministic passes: chunks of
 * {@link #ROWS_PER_CHUNK} rows summed by one thread per (column, chunk) into a scratch buffer, then the chunks
 * added by {@value #GROUPS} threads per column, each a fixed share in order, and their sums in order. With thousands
 * of rows (B·T), one thread per column alone would leave the GPU almost idle; the order of additions does not depend
 * on scheduling.
 */
final class ColumnSums {
    /** Rows per chunk, unless there are so many rows that the chunks would not fit the grid's y extent. */
    static final int ROWS_PER_CHUNK = 64;
    /** The scratch slot of the partial sums. */
    static final int SLOT = 8;

    private ColumnSums() {
    }

    /** Rows each chunk sums: {@value #ROWS_PER_CHUNK}, or more so that the chunks fit the grid. */
    static int rowsPerChunk(int n) {
        return Math.max(ROWS_PER_CHUNK, (int) ((n + (long) LaunchGeometry.MAX_GRID_Y - 1) / LaunchGeometry.MAX_GRID_Y));
    }

    /** Chunks of {@code n} rows (at least 1). */
    static int chunks(int n) {
        int r = rowsPerChunk(n);
        return Math.max(1, (n + r - 1) / r);
    }

    /** Columns of a block of the second pass ({@code WAFER_SUM_COLUMNS}, {@code WAFER_LN_COLUMNS}). */
    static final int COLUMNS = 16;
    /** Threads per column in the second pass, each adding every {@value}th chunk. */
    static final int GROUPS = 16;

    /** The second pass: {@value #COLUMNS} columns by {@value #GROUPS} threads per block. */
    static LaunchGeometry accumulate(int cols) {
        return new LaunchGeometry((cols + COLUMNS - 1) / COLUMNS, 1, COLUMNS, GROUPS, 0);
    }

    /** The first pass: columns along x, one chunk per block row. */
    static LaunchGeometry partials(int n, int cols) {
        return new LaunchGeometry((cols + LaunchGeometry.BLOCK - 1) / LaunchGeometry.BLOCK, chunks(n),
                LaunchGeometry.BLOCK, 1, 0);
    }
}
