package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.OperandFormat;

/**
 * Rounds device operands to a 16-bit format ({@code round_operands}, the same round-to-nearest-even as
 * {@link OperandFormat#round}) into scratch buffers, for the mixed-precision kernels.
 */
final class Rounder {
    private final Gpu gpu;
    private final OperandFormat format;

    Rounder(Gpu gpu, OperandFormat format) {
        this.gpu = gpu;
        this.format = format;
    }

    /** The format code of {@code wafer_round}: 0 float32 (nothing rounded), 1 bfloat16, 2 binary16. */
    static int code(OperandFormat format) {
        return switch (format) {
            case FP32 -> 0;
            case BF16 -> 1;
            case FP16 -> 2;
        };
    }

    OperandFormat format() {
        return format;
    }

    /**
     * The first {@code n} bfloat16 values at {@code src} (a bf16 tensor) widened to float32 into scratch
     * {@code slot} ({@code widen_bf16}, exact); the scratch pointer.
     */
    long widened(int slot, long src, long n) {
        long dst = gpu.scratch(slot, 4 * Math.max(n, 1));
        if (n > 0) {
            gpu.launch(LaunchGeometry.linear(n), KernelArgs.of(CudaKernel.WIDEN_BF16)
                    .pointer(dst).pointer(src).integer(Math.toIntExact(n)));
        }
        return dst;
    }

    /** The first {@code n} floats at {@code src}, rounded into scratch {@code slot}; the scratch pointer. */
    long rounded(int slot, long src, long n) {
        long dst = gpu.scratch(slot, 4 * Math.max(n, 1));
        if (n > 0) {
            gpu.launch(LaunchGeometry.linear(n), KernelArgs.of(CudaKernel.ROUND_OPERANDS)
                    .pointer(dst).pointer(src).integer(Math.toIntExact(n)).integer(code(format)));
        }
        return dst;
    }
}
