package dev.wafer.ports.compute;

/**
 * The number format the operands of matrix products are rounded to under mixed precision, and the storage format of
 * a tensor ({@link Tensor#format()}). Most tensors are float32 buffers even in 16-bit runs; a 16-bit operand is a
 * float32 value that the format represents exactly, so a float32 product of such values, accumulated in float32, is
 * exactly what 16-bit-input hardware with float32 accumulators computes. A backend with
 * {@link Capability#BF16_STORAGE} also stores bf16 tensors (two bytes a value) for the activations that are only
 * ever 16-bit operands.
 * Conversions round to nearest, ties to even; overflow gives an infinity of the same sign, NaN stays NaN.
 */
public enum OperandFormat {
    /** No rounding: float32 operands. */
    FP32(24, null),
    /** bfloat16: float32's 8-bit exponent range, 8 significant bits. */
    BF16(8, Capability.BF16),
    /** IEEE 754 binary16: 5-bit exponent (largest finite 65504, smallest subnormal 2^-24), 11 significant bits. */
    FP16(11, Capability.FP16);

    private final int significandBits;
    private final Capability capability;

    OperandFormat(int significandBits, Capability capability) {
        this.significandBits = significandBits;
        this.capability = capability;
    }

    /** Significant bits, counting the implicit one: 24, 8, 11. */
    public int significandBits() {
        return significandBits;
    }

    /** The unit roundoff {@code u = 2^-significandBits}: the largest relative error of one rounding (normal range). */
    public double unitRoundoff() {
        return Math.scalb(1.0, -significandBits);
    }

    /**
     * The capability a backend declares to offer this format; {@code null} for {@link #FP32}, which every
     * backend with the kernel families has.
     */
    public Capability capability() {
        return capability;
    }

    /** The lower-case id, e.g. {@code bf16}. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code x} rounded to this format and widened back to float32 (exact). */
    public float round(float x) {
        return switch (this) {
            case FP32 -> x;
            case BF16 -> toBfloat16(x);
            case FP16 -> Float.float16ToFloat(Float.floatToFloat16(x));
        };
    }

    /** Whether rounding {@code x} to this format flushes a non-zero value to zero (underflow). */
    public boolean underflows(float x) {
        return x != 0f && round(x) == 0f;
    }

    /** bfloat16 rounding by bit manipulation: round to nearest even on the upper 16 bits. */
    private static float toBfloat16(float x) {
        if (Float.isNaN(x)) {
            return x;
        }
        int bits = Float.floatToRawIntBits(x);
        bits += 0x7FFF + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(bits & 0xFFFF0000);
    }
}
