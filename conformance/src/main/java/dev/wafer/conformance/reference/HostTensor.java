package dev.wafer.conformance.reference;

import java.util.Objects;

import dev.wafer.ports.compute.Tensor;

/** A tensor in a Java float array, for the reference backend. */
final class HostTensor implements Tensor {
    private final ReferenceScope owner;
    private final float[] data;
    private final int offset;
    private final int length;

    HostTensor(ReferenceScope owner, float[] data, int offset, int length) {
        this.owner = owner;
        this.data = data;
        this.offset = offset;
        this.length = length;
    }

    static HostTensor of(Tensor t) {
        if (t instanceof HostTensor h) {
            h.owner.checkOpen();
            return h;
        }
        throw new IllegalArgumentException("not a reference-backend tensor: " + (t == null ? "null" : t.getClass().getName()));
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public Tensor slice(long off, long len) {
        Objects.checkFromIndexSize(off, len, length);
        owner.checkOpen();
        return new HostTensor(owner, data, offset + (int) off, (int) len);
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

    /** The first {@code n} elements widened to double. */
    double[] read(int n) {
        Objects.checkFromIndexSize(0, n, length);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = data[offset + i];
        }
        return d;
    }

    /** Stores the first {@code n} values of {@code d}, rounded to float. */
    void write(double[] d, int n) {
        Objects.checkFromIndexSize(0, n, length);
        for (int i = 0; i < n; i++) {
            data[offset + i] = (float) d[i];
        }
    }
}
