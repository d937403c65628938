package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A tensor in device memory: a device pointer, a length and how the elements are stored (float32, or bfloat16 bits
 * where the backend declares {@code BF16_STORAGE}). Views add an offset to the pointer and share the allocation of
 * their scope. Host copies go through a temporary off-heap buffer; a bf16 tensor rounds what it is given (nearest
 * even, as {@link OperandFormat#round}) and widens what it gives, on the host.
 */
final class CudaTensor implements Tensor {
    private final CudaScope owner;
    private final long pointer;
    private final long length;
    private final OperandFormat format;

    CudaTensor(CudaScope owner, long pointer, long length, OperandFormat format) {
        this.owner = owner;
        this.pointer = pointer;
        this.length = length;
        this.format = format;
    }

    /**
     * The float32 CUDA tensor behind {@code t}: of this GPU, with an open scope and at least {@code n} elements. A
     * bf16 tensor is refused here, so every kernel argument that is not listed under {@code BF16_STORAGE} refuses one
     * before anything is queued.
     */
    static CudaTensor of(Gpu gpu, Tensor t, long n) {
        CudaTensor c = ofEither(gpu, t, n);
        if (c.format != OperandFormat.FP32) {
            throw new IllegalArgumentException("a " + c.format.id() + " tensor where the CUDA kernel takes float32"
                    + " (only the arguments listed under BF16_STORAGE take bf16): " + c);
        }
        return c;
    }

    /** {@code null} stays {@code null}. */
    static CudaTensor ofNullable(Gpu gpu, Tensor t, long n) {
        return t == null ? null : of(gpu, t, n);
    }

    /** As {@link #of} for an argument that may also be a bf16 tensor. */
    static CudaTensor ofEither(Gpu gpu, Tensor t, long n) {
        if (!(t instanceof CudaTensor c) || c.owner.gpu() != gpu) {
            throw new IllegalArgumentException("not a tensor of this CUDA backend: "
                    + (t == null ? "null" : t.getClass().getName()));
        }
        c.owner.checkOpen();
        if (n > c.length) {
            throw new IllegalArgumentException("tensor of " + c.length + " elements, kernel needs " + n);
        }
        return c;
    }

    /** Whether the elements are bfloat16 bits (two bytes each). */
    boolean isBf16() {
        return format == OperandFormat.BF16;
    }

    @Override
    public OperandFormat format() {
        return format;
    }

    private int elementBytes() {
        return isBf16() ? 2 : 4;
    }

    /** The device address of element 0. */
    long pointer() {
        return pointer;
    }

    /** The device address of element {@code index}. */
    long at(long index) {
        return pointer + (long) elementBytes() * index;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public Tensor slice(long offset, long len) {
        Objects.checkFromIndexSize(offset, len, length);
        owner.checkOpen();
        return new CudaTensor(owner, at(offset), len, format);
    }

    @Override
    public void copyFromHost(float[] src, int srcOffset, long offset, int count) {
        owner.checkOpen();
        Objects.checkFromIndexSize(offset, count, length);
        Objects.checkFromIndexSize(srcOffset, count, src.length);
        if (count == 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host;
            if (isBf16()) {
                host = arena.allocate(JAVA_SHORT, count);
                for (int i = 0; i < count; i++) {
                    host.setAtIndex(JAVA_SHORT, i, bf16Bits(src[srcOffset + i]));
                }
            } else {
                host = arena.allocate(JAVA_FLOAT, count);
                MemorySegment.copy(src, srcOffset, host, JAVA_FLOAT, 0, count);
            }
            owner.gpu().upload(at(offset), host, (long) elementBytes() * count);
        }
    }

    @Override
    public void copyToHost(long offset, float[] dst, int dstOffset, int count) {
        owner.checkOpen();
        Objects.checkFromIndexSize(offset, count, length);
        Objects.checkFromIndexSize(dstOffset, count, dst.length);
        if (count == 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            if (isBf16()) {
                MemorySegment host = arena.allocate(JAVA_SHORT, count);
                owner.gpu().download(at(offset), host, 2L * count);
                for (int i = 0; i < count; i++) {
                    dst[dstOffset + i] = Float.intBitsToFloat((host.getAtIndex(JAVA_SHORT, i) & 0xffff) << 16);
                }
            } else {
                MemorySegment host = arena.allocate(JAVA_FLOAT, count);
                owner.gpu().download(at(offset), host, 4L * count);
                MemorySegment.copy(host, JAVA_FLOAT, 0, dst, dstOffset, count);
            }
        }
    }

    /**
     * The bits of {@code x} rounded to bfloat16 (nearest even); a NaN stays a quiet NaN with its sign, as
     * {@code pack_operands} keeps it (its payload may lie in the low bits alone).
     */
    static short bf16Bits(float x) {
        int bits = Float.floatToRawIntBits(x);
        if (Float.isNaN(x)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        return (short) (Float.floatToRawIntBits(OperandFormat.BF16.round(x)) >>> 16);
    }

    @Override
    public String toString() {
        return "CudaTensor[" + length + " " + (isBf16() ? "bf16 values" : "floats") + " at 0x"
                + Long.toHexString(pointer) + "]";
    }
}
