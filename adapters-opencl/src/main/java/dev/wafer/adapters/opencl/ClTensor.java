package dev.wafer.adapters.opencl;

import java.util.Objects;

import dev.wafer.ports.compute.Tensor;

/**
 * A float32 tensor on the OpenCL device: a window {@code [offset, offset + length)} of the runtime's arena. Views
 * share the arena and differ only in offset, so kernels receive {@code base array + int offset} and slices cost
 * nothing. Host copies go through the runtime's staging buffer.
 */
final class ClTensor implements Tensor {
    private final ClScope owner;
    final int offset;
    private final int length;

    ClTensor(ClScope owner, int offset, int length) {
        this.owner = owner;
        this.offset = offset;
        this.length = length;
    }

    /** The OpenCL tensor behind {@code t}; checks that it belongs to {@code runtime} and that its scope is open. */
    static ClTensor of(ClRuntime runtime, Tensor t) {
        if (t instanceof ClTensor c && c.owner.runtime() == runtime) {
            c.owner.checkOpen();
            return c;
        }
        throw new IllegalArgumentException("not a tensor of this OpenCL backend: "
                + (t == null ? "null" : t.getClass().getName()));
    }

    /** Like {@link #of(ClRuntime, Tensor)} but also checks that at least {@code n} elements exist. */
    static ClTensor of(ClRuntime runtime, Tensor t, long n) {
        ClTensor c = of(runtime, t);
        if (n > c.length) {
            throw new IllegalArgumentException("tensor of " + c.length + " elements, kernel needs " + n);
        }
        return c;
    }

    /** {@code null} stays {@code null}. */
    static ClTensor ofNullable(ClRuntime runtime, Tensor t, long n) {
        return t == null ? null : of(runtime, t, n);
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public Tensor slice(long off, long len) {
        Objects.checkFromIndexSize(off, len, length);
        owner.checkOpen();
        return new ClTensor(owner, offset + (int) off, (int) len);
    }

    @Override
    public void copyFromHost(float[] src, int srcOffset, long off, int count) {
        owner.checkOpen();
        Objects.checkFromIndexSize(off, count, length);
        Objects.checkFromIndexSize(srcOffset, count, src.length);
        owner.runtime().write(src, srcOffset, offset + (int) off, count);
    }

    @Override
    public void copyToHost(long off, float[] dst, int dstOffset, int count) {
        owner.checkOpen();
        Objects.checkFromIndexSize(off, count, length);
        Objects.checkFromIndexSize(dstOffset, count, dst.length);
        owner.runtime().read(offset + (int) off, dst, dstOffset, count);
    }

    @Override
    public String toString() {
        return "ClTensor[" + length + " floats at arena offset " + offset + "]";
    }
}
