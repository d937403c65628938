package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.wafer.ports.compute.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A float32 tensor in device memory: a device pointer and a length. Views add an offset to the pointer and share
 * the allocation of their scope. Host copies go through a temporary off-heap buffer.
 */
final class CudaTensor implements Tensor {
    private final CudaScope owner;
    private final long pointer;
    private final long length;

    CudaTensor(CudaScope owner, long pointer, long length) {
        this.owner = owner;
        this.pointer = pointer;
        this.length = length;
    }

    /** The CUDA tensor behind {@code t}: of this GPU, with an open scope and at least {@code n} elements. */
    static CudaTensor of(Gpu gpu, Tensor t, long n) {
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

    /** {@code null} stays {@code null}. */
    static CudaTensor ofNullable(Gpu gpu, Tensor t, long n) {
        return t == null ? null : of(gpu, t, n);
    }

    /** The device address of element 0. */
    long pointer() {
        return pointer;
    }

    /** The device address of element {@code index}. */
    long at(long index) {
        return pointer + 4 * index;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public Tensor slice(long offset, long len) {
        Objects.checkFromIndexSize(offset, len, length);
        owner.checkOpen();
        return new CudaTensor(owner, at(offset), len);
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
            MemorySegment host = arena.allocate(JAVA_FLOAT, count);
            MemorySegment.copy(src, srcOffset, host, JAVA_FLOAT, 0, count);
            owner.gpu().upload(at(offset), host, 4L * count);
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
            MemorySegment host = arena.allocate(JAVA_FLOAT, count);
            owner.gpu().download(at(offset), host, 4L * count);
            MemorySegment.copy(host, JAVA_FLOAT, 0, dst, dstOffset, count);
        }
    }

    @Override
    public String toString() {
        return "CudaTensor[" + length + " floats at 0x" + Long.toHexString(pointer) + "]";
    }
}
