package dev.wafer.adapters.cpu;

import java.util.Locale;

/**
 * Where the CPU backend's bf16 matrix products come from. {@link #ONEDNN}: oneDNN's bf16 matmul (AVX512_BF16
 * instructions, which the Vector API cannot issue). {@link #EMULATED}: operands rounded to bf16 and multiplied by the
 * float32 GEMM (products of bf16 values are exact in float32, so the result is the same up to summation order).
 * {@link #AUTO}: oneDNN when {@code libdnnl.so.2} loads and this CPU runs its bf16 matmul (AVX-512), else emulated;
 * the backend reports which it chose.
 */
public enum Bf16Gemm {
    AUTO, ONEDNN, EMULATED;

    /** Parses {@code auto|onednn|emulated} (any case), naming {@code source} in the error. */
    public static Bf16Gemm parse(String value, String source) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " must be auto, onednn or emulated, found '" + value + "'");
        }
    }
}
