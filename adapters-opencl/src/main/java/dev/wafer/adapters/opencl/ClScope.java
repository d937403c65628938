package dev.wafer.adapters.opencl;

import java.util.ArrayList;
import java.util.List;

import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/** Arena blocks of one allocation scope; closing returns them to the arena and invalidates their tensors. */
final class ClScope implements TensorScope {
    private final ClRuntime runtime;
    private final List<Integer> blocks = new ArrayList<>();
    private volatile boolean open = true;

    ClScope(ClRuntime runtime) {
        this.runtime = runtime;
    }

    ClRuntime runtime() {
        return runtime;
    }

    @Override
    public Tensor allocate(long length) {
        checkOpen();
        if (length < 0 || length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the OpenCL backend cannot allocate " + length + " floats in one tensor");
        }
        int off = runtime.allocate(length);
        synchronized (blocks) {
            blocks.add(off);
        }
        return new ClTensor(this, off, (int) length);
    }

    /** Float32 only: this backend does not declare {@code BF16_STORAGE}, so a 16-bit tensor is refused by name. */
    @Override
    public Tensor allocate(long length, OperandFormat format) {
        if (format == OperandFormat.FP32) {
            return allocate(length);
        }
        throw TensorScope.refusal("opencl", format);
    }

    void checkOpen() {
        if (!open) {
            throw new IllegalStateException("tensor scope is closed");
        }
        if (runtime.isClosed()) {
            throw new IllegalStateException("the OpenCL backend is closed");
        }
    }

    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        synchronized (blocks) {
            for (int off : blocks) {
                runtime.release(off);
            }
            blocks.clear();
        }
    }
}
