package dev.wafer.formats.hf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** The safetensors element types Wafer reads, each converted to float32 on read. */
public enum SafetensorsDtype {
    F32(4),
    F16(2),
    BF16(2);

    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int bytes;

    SafetensorsDtype(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The dtype for a header string such as {@code "BF16"}, or null when Wafer cannot read it. */
    static SafetensorsDtype parse(String text) {
        for (SafetensorsDtype d : values()) {
            if (d.name().equals(text)) {
                return d;
            }
        }
        return null;
    }

    /** Converts {@code count} elements at byte {@code offset} of {@code data} into {@code out[outStart..]}. */
    void decode(MemorySegment data, long offset, float[] out, int outStart, int count) {
        switch (this) {
            case F32 -> MemorySegment.copy(data, FLOAT_LE, offset, out, outStart, count);
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    out[outStart + i] = Float.float16ToFloat(data.get(SHORT_LE, offset + 2L * i));
                }
            }
            case BF16 -> {
                // bfloat16 is the upper half of a float32, so widening is a shift.
                for (int i = 0; i < count; i++) {
                    out[outStart + i] = Float.intBitsToFloat((data.get(SHORT_LE, offset + 2L * i) & 0xFFFF) << 16);
                }
            }
        }
    }
}
