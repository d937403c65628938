package dev.wafer.adapters.cpu;

import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;

/**
 * A tensor in (a window of) a float32 Java array, or a bfloat16 tensor in a native buffer (what oneDNN's bf16 matmul
 * reads as is). Kernels read {@link #data} from {@link #offset} directly; they get a tensor through {@link #of},
 * which refuses a bf16 one, unless they are among the few that take bf16 ({@link #ofEither}).
 */
final class CpuTensor implements Tensor {
    private final CpuScope owner;
    /** The float32 elements; {@code null} for a bf16 tensor. */
    final float[] data;
    /** The bf16 elements (the whole allocation; this tensor starts at {@link #offset}); {@code null} for float32. */
    private final MemorySegment bf16;
    final int offset;
    private final int length;

    CpuTensor(CpuScope owner, float[] data, int offset, int length) {
        this(owner, data, null, offset, length);
    }

    private CpuTensor(CpuScope owner, float[] data, MemorySegment bf16, int offset, int length) {
        this.owner = owner;
        this.data = data;
        this.bf16 = bf16;
        this.offset = offset;
        this.length = length;
    }

    /** A bf16 tensor over the whole of {@code segment} (two bytes a value). */
    static CpuTensor bf16(CpuScope owner, MemorySegment segment, int length) {
        return new CpuTensor(owner, null, segment, 0, length);
    }

    /**
     * The float32 CPU tensor behind {@code t}; checks that it is one and that its scope is open. A bf16 tensor is
     * refused: only the kernel arguments {@code Capability.BF16_STORAGE} lists take one.
     */
    static CpuTensor of(Tensor t) {
        CpuTensor c = ofEither(t);
        if (c.bf16 != null) {
            throw new IllegalArgumentException("a bf16 tensor was given to a CPU kernel argument that takes float32"
                    + " only (bf16 tensors are accepted as the bf16 matmul's input and as the output of LayerNorm,"
                    + " GELU, attention and bf16 matmul forward, and as the bf16 attention's qkv and probabilities)");
        }
        return c;
    }

    /** Like {@link #of} but also checks that at least {@code n} elements exist. */
    static CpuTensor of(Tensor t, long n) {
        return checkLength(of(t), n);
    }

    /** {@code null} stays {@code null}; otherwise {@link #of(Tensor, long)}. */
    static CpuTensor ofNullable(Tensor t, long n) {
        return t == null ? null : of(t, n);
    }

    /** The CPU tensor behind {@code t}, float32 or bf16, with at least {@code n} elements, for the kernels taking both. */
    static CpuTensor ofEither(Tensor t, long n) {
        return checkLength(ofEither(t), n);
    }

    private static CpuTensor ofEither(Tensor t) {
        if (t instanceof CpuTensor c) {
            c.owner.checkOpen();
            return c;
        }
        throw new IllegalArgumentException("not a CPU-backend tensor: " + (t == null ? "null" : t.getClass().getName()));
    }

    private static CpuTensor checkLength(CpuTensor c, long n) {
        if (n < 0) {
            // A negative count did nothing (residual.forward with n = -1); OpenCL and CUDA refuse it.
            throw new IllegalArgumentException("a kernel's element count must be >= 0, found " + n);
        }
        if (n > c.length) {
            throw new IllegalArgumentException("tensor of " + c.length + " elements, kernel needs " + n);
        }
        return c;
    }

    /** Whether this tensor is stored in bf16. */
    boolean isBf16() {
        return bf16 != null;
    }

    /** Elements {@code [from, from + count)} of a bf16 tensor as a native segment (two bytes each). */
    MemorySegment bf16(long from, long count) {
        Objects.checkFromIndexSize(from, count, length);
        return bf16.asSlice(2L * (offset + from), 2L * count);
    }

    @Override
    public OperandFormat format() {
        return bf16 == null ? OperandFormat.FP32 : OperandFormat.BF16;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public Tensor slice(long off, long len) {
        Objects.checkFromIndexSize(off, len, length);
        owner.checkOpen();
        return new CpuTensor(owner, data, bf16, offset + (int) off, (int) len);
    }

    @Override
    public void copyFromHost(float[] src, int srcOffset, long off, int count) {
        owner.checkOpen();
        Objects.checkFromIndexSize(off, count, length);
        if (bf16 == null) {
            System.arraycopy(src, srcOffset, data, offset + (int) off, count);
            return;
        }
        Objects.checkFromIndexSize(srcOffset, count, src.length);
        long at = 2L * (offset + off);
        for (int i = 0; i < count; i++) {
            bf16.set(JAVA_SHORT_UNALIGNED, at + 2L * i, Bf16Pack.bits(src[srcOffset + i]));
        }
    }

    @Override
    public void copyToHost(long off, float[] dst, int dstOffset, int count) {
        owner.checkOpen();
        Objects.checkFromIndexSize(off, count, length);
        if (bf16 == null) {
            System.arraycopy(data, offset + (int) off, dst, dstOffset, count);
            return;
        }
        Objects.checkFromIndexSize(dstOffset, count, dst.length);
        long at = 2L * (offset + off);
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = Bf16Values.widen(bf16.get(JAVA_SHORT_UNALIGNED, at + 2L * i));
        }
    }
}
