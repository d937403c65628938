package dev.wafer.formats.hf;

/**
 * The storage classes a PyTorch checkpoint names for its tensors ({@code torch.FloatStorage} and the like), with
 * their element size. Only the three float types convert to float32; the others are read past, since a GPT-2 state
 * dict holds them only in buffers Wafer ignores (the causal mask, {@code attn.bias}, is a bool or byte tensor).
 */
enum TorchStorageType {
    FLOAT("FloatStorage", 4, SafetensorsDtype.F32),
    HALF("HalfStorage", 2, SafetensorsDtype.F16),
    BFLOAT16("BFloat16Storage", 2, SafetensorsDtype.BF16),
    DOUBLE("DoubleStorage", 8, null),
    LONG("LongStorage", 8, null),
    INT("IntStorage", 4, null),
    SHORT("ShortStorage", 2, null),
    CHAR("CharStorage", 1, null),
    BYTE("ByteStorage", 1, null),
    BOOL("BoolStorage", 1, null);

    private final String className;
    private final int bytes;
    private final SafetensorsDtype floats;

    TorchStorageType(String className, int bytes, SafetensorsDtype floats) {
        this.className = className;
        this.bytes = bytes;
        this.floats = floats;
    }

    /** The type for {@code torch.<name>}, or null for any other name. */
    static TorchStorageType forClass(String name) {
        for (TorchStorageType t : values()) {
            if (t.className.equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** Bytes per element. */
    int bytes() {
        return bytes;
    }

    /** How to widen an element to float32, or null when Wafer does not read this type as weights. */
    SafetensorsDtype floats() {
        return floats;
    }

    /** The name as PyTorch writes it, e.g. {@code torch.BoolStorage}. */
    String pytorchName() {
        return "torch." + className;
    }
}
