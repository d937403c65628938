package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.OperandFormat;

/**
 * Packs float32 device operands into 16-bit scratch copies ({@code pack_operands}: round to nearest even, as
 * {@link OperandFormat#round}) for cuBLAS's 16-bit GEMMs, which then run on tensor cores with float32 accumulation.
 */
final class Packer {
    /** 16-bit values in 16 bytes: the alignment of {@link #alignedColumns}. */
    static final int ALIGNED_VALUES = 8;

    private final Gpu gpu;
    private final int format;
    private final int operandType;

    Packer(Gpu gpu, OperandFormat operands) {
        if (operands == OperandFormat.FP32) {
            throw new IllegalArgumentException("float32 operands are not packed");
        }
        this.gpu = gpu;
        this.format = Rounder.code(operands);
        this.operandType = operands == OperandFormat.BF16 ? CublasApi.R_16BF : CublasApi.R_16F;
    }

    /** The cuBLAS data type of the packed values ({@link CublasApi#R_16BF} or {@link CublasApi#R_16F}). */
    int operandType() {
        return operandType;
    }

    /** The first {@code n} floats at {@code src} as 16-bit values in scratch {@code slot}; the scratch pointer. */
    long packed(int slot, long src, long n) {
        long dst = gpu.scratch(slot, 2 * Math.max(n, 2));
        packInto(dst, src, n, format, gpu);
        return dst;
    }

    /**
     * The leading dimension a packed {@code (rows, cols)} matrix gets: {@code cols} rounded up to a multiple of
     * {@value #ALIGNED_VALUES}, so that every row starts on a 16-byte boundary.
     */
    static int alignedColumns(int cols) {
        return Math.toIntExact(((long) cols + ALIGNED_VALUES - 1) / ALIGNED_VALUES * ALIGNED_VALUES);
    }

    /**
     * A row-major {@code (rows, cols)} float32 matrix at {@code src} as 16-bit values in scratch {@code slot}, each
     * row {@link #alignedColumns} values apart (the padding zero); the scratch pointer. cuBLAS's tensor-core kernels
     * want 16-byte aligned columns: the LM head's output gradient has 50,257.
     */
    long packedRows(int slot, long src, int rows, int cols) {
        int ld = alignedColumns(cols);
        long dst = gpu.scratch(slot, 2 * Math.max((long) rows * ld, 2));
        if (ld == cols) {
            packInto(dst, src, (long) rows * cols, format, gpu);
        } else if (rows > 0) {
            gpu.launch(LaunchGeometry.columnsByRows(rows, ld), KernelArgs.of(CudaKernel.PACK_OPERANDS_ROWS)
                    .pointer(dst).pointer(src).integer(rows).integer(cols).integer(ld).integer(format));
        }
        return dst;
    }

    /**
     * {@link #packedRows} of all {@code rows} and, in the same pass, the first pass of the column sums
     * ({@link ColumnSums}: {@code column_partial_sums}'s partial sums, bit for bit) into {@code partials}, which holds
     * {@code ColumnSums.chunks(rows) x cols} floats; the scratch pointer of the packed copy.
     */
    long packedRowsWithColumnSums(int slot, long src, int rows, int cols, long partials) {
        int ld = alignedColumns(cols);
        long dst = gpu.scratch(slot, 2 * Math.max((long) rows * ld, 2));
        gpu.launch(new LaunchGeometry((ld + LaunchGeometry.BLOCK - 1) / LaunchGeometry.BLOCK, ColumnSums.chunks(rows),
                        LaunchGeometry.BLOCK, 1, 0), KernelArgs.of(CudaKernel.PACK_ROWS_COLUMN_SUMS).pointer(dst)
                .pointer(partials).pointer(src).integer(rows).integer(cols).integer(ld)
                .integer(ColumnSums.rowsPerChunk(rows)).integer(format));
        return dst;
    }

    /** Queues {@code pack_operands}: {@code n} floats at {@code src} as 16-bit values of {@code format} at {@code dst}. */
    static void packInto(long dst, long src, long n, int format, Gpu gpu) {
        if (n > 0) {
            gpu.launch(LaunchGeometry.linear(n), KernelArgs.of(CudaKernel.PACK_OPERANDS)
                    .pointer(dst).pointer(src).integer(Math.toIntExact(n)).integer(format));
        }
    }
}
