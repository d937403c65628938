package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.OperandFormat;

/**
 * Packs float32 device operands into 16-bit scratch copies ({@code pack_operands}: round to nearest even, as
 * {@link OperandFormat#round}) for cuBLAS's 16-bit GEMMs, which then run on tensor cores with float32 accumulation.
 */
final class Packer {
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

    /** Queues {@code pack_operands}: {@code n} floats at {@code src} as 16-bit values of {@code format} at {@code dst}. */
    static void packInto(long dst, long src, long n, int format, Gpu gpu) {
        if (n > 0) {
            gpu.launch(LaunchGeometry.linear(n), KernelArgs.of(CudaKernel.PACK_OPERANDS)
                    .pointer(dst).pointer(src).integer(Math.toIntExact(n)).integer(format));
        }
    }
}
