package dev.wafer.adapters.opencl;

/**
 * Launches of {@link ClProductKernels#gemm}: out(rows, cols) = [out +] A B [+ bias] over strided operands, for one
 * product or a batch of them (attention's heads), with attention's causal limits.
 */
final class ClGemm {
    /** Where element (m, k) of an operand of product z lies in the arena: offset + z*batch + m*row + k*col. */
    record Operand(int offset, int row, int col, int batch) {
        /** An operand of a single product. */
        static Operand of(int offset, int row, int col) {
            return new Operand(offset, row, col, 0);
        }
    }

    /** Which part of a product attention needs, where one operand is zero on one side of the diagonal. */
    enum Causal {
        /** The whole product. */
        NONE(0),
        /** Only the blocks of out on or below the diagonal (scores); nothing is written above it. */
        BLOCKS_ON_OR_BELOW_DIAGONAL(1),
        /** A(m, k) is zero for k > m (probabilities times values). */
        INNER_UP_TO_ROW(2),
        /** A(m, k) is zero for k < m (transposed probabilities times output gradients). */
        INNER_FROM_ROW(3);

        private final int code;

        Causal(int code) {
            this.code = code;
        }
    }

    private ClGemm() {
    }

    /**
     * Queues {@code batches} products out_z(rows, cols) = [out_z +] A_z B_z [+ bias] (bias at {@code bias}, none
     * when negative), out_z(m, j) at {@code out + z*outBatch + m*outRow + j}. Caller holds the runtime's lock.
     */
    static void run(ClRuntime rt, int out, int outRow, int outBatch, Operand a, Operand b, int bias, int rows,
                    int cols, int inner, boolean accumulate, int batches, Causal causal) {
        if (rows <= 0 || cols <= 0 || batches <= 0) {
            return;
        }
        rt.launchBlocked(ClArgs.of(ClKernel.GEMM).buffer("out", out).integer("outRowStride", outRow)
                .integer("outBatchStride", outBatch).buffer("a", a.offset()).integer("aRowStride", a.row())
                .integer("aColStride", a.col()).integer("aBatchStride", a.batch()).buffer("b", b.offset())
                .integer("bRowStride", b.row()).integer("bColStride", b.col()).integer("bBatchStride", b.batch())
                .buffer("bias", Math.max(bias, 0)).integer("hasBias", bias >= 0 ? 1 : 0).integer("rows", rows)
                .integer("cols", cols).integer("inner", inner).integer("accumulate", accumulate ? 1 : 0)
                .integer("causal", causal.code), rows, cols, batches);
    }
}
