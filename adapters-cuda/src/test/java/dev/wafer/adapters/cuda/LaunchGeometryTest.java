package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Launch geometry and shared memory against the device limits, and the block-size needs of the kernels. */
class LaunchGeometryTest {
    @Test
    void linearLaunchesRoundUpToWholeBlocks() {
        assertEquals(new LaunchGeometry(4, 1, 256, 1, 0), LaunchGeometry.linear(1000));
        assertEquals(new LaunchGeometry(1, 1, 256, 1, 0), LaunchGeometry.linear(1));
        assertEquals(new LaunchGeometry(8, 1, 128, 1, 0), LaunchGeometry.linear(1024, 128));
    }

    @Test
    void theLargestTensorFitsOneLinearLaunch() {
        long work = (long) Integer.MAX_VALUE * 3;
        LaunchGeometry g = LaunchGeometry.linear(work);
        assertTrue(g.threads() >= work && g.threads() - work < LaunchGeometry.BLOCK, "covers every element once");
    }

    @Test
    void warpPerRowNeedsWholeWarps() {
        assertEquals(new LaunchGeometry(13, 1, 256, 1, 0), LaunchGeometry.warpPerRow(100, 256));
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.warpPerRow(100, 100));
    }

    @Test
    void columnsByRowsStridesOverRowsBeyondTheGridsYExtent() {
        assertEquals(new LaunchGeometry(197, 16_384, 256, 1, 0), LaunchGeometry.columnsByRows(16_384, 50_257),
                "the LM head's gradient at batch 8 x seq 2048: a block row per row");
        assertEquals(new LaunchGeometry(12, 65_535, 256, 1, 0), LaunchGeometry.columnsByRows(1 << 20, 3072),
                "a million rows: 65,535 block rows, which the kernels stride over");
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.columnsByRows(0, 8));
    }

    @Test
    void limitsAreEnforced() {
        assertThrows(IllegalArgumentException.class, () -> new LaunchGeometry(1, 1, 257, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new LaunchGeometry(1, 1, 16, 17, 0));
        assertThrows(IllegalArgumentException.class, () -> new LaunchGeometry(0, 1, 32, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new LaunchGeometry(1, 65536, 32, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new LaunchGeometry(1, 1, 32, 1, 48 * 1024 + 1));
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.linear(0));
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.linear(Long.MAX_VALUE / 2));
        assertEquals(48 * 1024, new LaunchGeometry(1, 1, 256, 1, 48 * 1024).sharedBytes());
    }

    @Test
    void kernelsCheckTheirBlockSizes() {
        CudaKernel.CROSSENTROPY_FORWARD.checkGeometry(LaunchGeometry.blockPerItem(3, CudaKernel.CROSS_ENTROPY_BLOCK));
        assertThrows(IllegalArgumentException.class,
                () -> CudaKernel.CROSSENTROPY_FORWARD.checkGeometry(LaunchGeometry.blockPerItem(3, 128)));
        assertThrows(IllegalArgumentException.class,
                () -> CudaKernel.LAYERNORM_FORWARD.checkGeometry(new LaunchGeometry(1, 1, 48, 1, 0)));
        CudaKernel.LAYERNORM_FORWARD.checkGeometry(new LaunchGeometry(1, 1, 64, 1, 0));
    }

    @Test
    void theCrossEntropyBlockMatchesTheSource() {
        assertEquals(true, KernelSources.read("crossentropy.cu")
                .contains("#define WAFER_CE_BLOCK " + CudaKernel.CROSS_ENTROPY_BLOCK));
    }

    /** The reductions' shared-memory trees and the column sums' second pass are written for the host's blocks. */
    @Test
    void theReductionBlocksMatchTheSources() {
        assertEquals(true, KernelSources.read("reduction.cu")
                .contains("#define WAFER_SUM_BLOCK " + CudaReductions.BLOCK));
        for (String[] file : new String[][] {{"matmul.cu", "WAFER_SUM"}, {"layernorm.cu", "WAFER_LN"}}) {
            String source = KernelSources.read(file[0]);
            assertEquals(true, source.contains("#define " + file[1] + "_COLUMNS " + ColumnSums.COLUMNS), file[0]);
            assertEquals(true, source.contains("#define " + file[1] + "_GROUPS " + ColumnSums.GROUPS), file[0]);
        }
        LaunchGeometry second = ColumnSums.accumulate(768);
        assertEquals(List.of(48, ColumnSums.COLUMNS, ColumnSums.GROUPS),
                List.of(second.gridX(), second.blockX(), second.blockY()));
        CudaKernel.COLUMN_SUM_ACCUMULATE.checkGeometry(second);
        CudaKernel.LAYERNORM_BACKWARD_PARAMS.checkGeometry(second);
    }
}
