package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;
import java.util.ArrayList;
import java.util.List;

/** Device allocations of one scope ({@code cuMemAlloc}, never managed memory); closing frees them. */
final class CudaScope implements TensorScope {
    /** Largest tensor: its byte size must fit a {@code long} and its index an {@code int} kernel argument. */
    static final long MAX_LENGTH = Integer.MAX_VALUE;

    private final Gpu gpu;
    private final BackendState backend;
    /** Whether the backend declares {@code BF16_STORAGE} (its fast kernels take bf16 tensors). */
    private final boolean bf16Storage;
    private final List<Long> allocations = new ArrayList<>();
    private volatile boolean open = true;

    CudaScope(Gpu gpu, BackendState backend, boolean bf16Storage) {
        this.gpu = gpu;
        this.backend = backend;
        this.bf16Storage = bf16Storage;
    }

    Gpu gpu() {
        return gpu;
    }

    @Override
    public Tensor allocate(long length) {
        return allocate(length, OperandFormat.FP32);
    }

    /**
     * Float32, or bf16 (two bytes per value) where the backend declares {@code BF16_STORAGE}; anything else is
     * refused by name.
     */
    @Override
    public Tensor allocate(long length, OperandFormat format) {
        if (format != OperandFormat.FP32 && (format != OperandFormat.BF16 || !bf16Storage)) {
            throw TensorScope.refusal(CudaBackendProbe.NAME, format);
        }
        checkOpen();
        if (length < 0 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("the CUDA backend cannot allocate " + length + " " + format.id()
                    + " values in one tensor");
        }
        long pointer = gpu.allocate((format == OperandFormat.BF16 ? 2 : 4) * length);
        synchronized (allocations) {
            allocations.add(pointer);
        }
        return new CudaTensor(this, pointer, length, format);
    }

    void checkOpen() {
        if (!open) {
            throw new IllegalStateException("tensor scope is closed");
        }
        if (backend.isClosed()) {
            throw new IllegalStateException("the CUDA backend is closed");
        }
    }

    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        if (backend.isClosed()) {
            return; // the context is gone, and its memory with it
        }
        synchronized (allocations) {
            for (long pointer : allocations) {
                gpu.free(pointer);
            }
            allocations.clear();
        }
    }

    /** Whether the backend that made a scope is closed. */
    interface BackendState {
        boolean isClosed();
    }
}
