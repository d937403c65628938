package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The chunking of the two-pass column sums covers every row once and fits the grid. */
class ColumnSumsTest {
    @Test
    void chunksCoverEveryRowOnceAndFitTheGrid() {
        for (int n : new int[] {1, 63, 64, 65, 16384, 4_194_240, 4_194_241, Integer.MAX_VALUE / 2}) {
            int r = ColumnSums.rowsPerChunk(n);
            int chunks = ColumnSums.chunks(n);
            assertTrue((long) chunks * r >= n && (long) (chunks - 1) * r < n, "n=" + n);
            assertTrue(chunks <= LaunchGeometry.MAX_GRID_Y, "n=" + n);
            assertEquals(chunks, ColumnSums.partials(n, 768).gridY(), "n=" + n);
        }
        assertEquals(256, ColumnSums.chunks(16384), "B*T = 16384 rows: 256 chunks of 64");
        assertEquals(3, ColumnSums.partials(16384, 768).gridX(), "768 columns: 3 blocks of 256");
    }
}
