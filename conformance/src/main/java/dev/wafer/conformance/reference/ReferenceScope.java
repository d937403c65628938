package dev.wafer.conformance.reference;

import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/** Heap-backed scope of the reference backend; closing it invalidates its tensors. */
final class ReferenceScope implements TensorScope {
    private volatile boolean open = true;

    @Override
    public Tensor allocate(long length) {
        checkOpen();
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cannot allocate " + length + " floats");
        }
        return new HostTensor(this, new float[(int) length], 0, (int) length);
    }

    void checkOpen() {
        if (!open) {
            throw new IllegalStateException("tensor scope is closed");
        }
    }

    @Override
    public void close() {
        open = false;
    }
}
