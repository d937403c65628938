package dev.wafer.adapters.cpu;

import java.util.Objects;

import dev.wafer.ports.compute.Tensor;

/** A float32 tensor in (a window of) a Java array. Kernels read {@link #data} from {@link #offset} directly. */
final class CpuTensor implements Tensor {
    private final CpuScope owner;
    final float[] data;
    final int offset;
    private final int length;

    CpuTensor(CpuScope owner, float[] data, int offset, int length) {
        this.owner = owner;
        this.data = data;
        this.offset = offset;
        this.length = length;
    }

    /** The CPU tensor behind {@code t}; checks that it is one and that its scope is open. */
    static CpuTensor of(Tensor t) {
        if (t instanceof CpuTensor c) {
            c.owner.checkOpen();
            return c;
        }
        throw new IllegalArgumentException("not a CPU-backend tensor: " + (t == null ? "null" : t.getClass().getName()));
    }

    /** Like {@link #of} but also checks that at least {@code n} elements exist. */
    static CpuTensor of(Tensor t, long n) {
        CpuTensor c = of(t);
        if (n > c.length) {
            throw new IllegalArgumentException("tensor of " + c.length + " elements, kernel needs " + n);
        }
        return c;
    }

    /** {@code null} stays {@code null}; otherwise {@link #of(Tensor, long)}. */
    static CpuTensor ofNullable(Tensor t, long n) {
        return t == null ? null : of(t, n);
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public Tensor slice(long off, long len) {
        Objects.checkFromIndexSize(off, len, length);
        owner.checkOpen();
        return new CpuTensor(owner, data, offset + (int) off, (int) len);
    }

    @Override
    public void copyFromHost(float[] src, int srcOffset, long off, int count) {
        owner.checkOpen();
        Objects.checkFromIndexSize(off, count, length);
        System.arraycopy(src, srcOffset, data, offset + (int) off, count);
    }

    @Override
    public void copyToHost(long off, float[] dst, int dstOffset, int count) {
        owner.checkOpen();
        Objects.checkFromIndexSize(off, count, length);
        System.arraycopy(data, offset + (int) off, dst, dstOffset, count);
    }
}
