package dev.wafer.adapters.cpu;

import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/** Heap memory for CPU tensors. Closing drops the references so the arrays can be collected. */
final class CpuScope implements TensorScope {
    private volatile boolean open = true;

    @Override
    public Tensor allocate(long length) {
        checkOpen();
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the CPU backend cannot allocate " + length + " floats in one tensor");
        }
        return new CpuTensor(this, new float[(int) length], 0, (int) length);
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
