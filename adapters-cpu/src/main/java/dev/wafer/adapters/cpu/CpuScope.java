package dev.wafer.adapters.cpu;

import java.lang.foreign.Arena;

import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/**
 * Heap memory for float32 CPU tensors and native memory for bf16 ones (oneDNN reads those as stored). Closing drops
 * the references so the arrays can be collected, and frees the native memory.
 */
final class CpuScope implements TensorScope {
    /** The backend's workers, whose close ends this scope's tensors too; null for a scope of no backend's. */
    private final Parallel backend;
    private volatile boolean open = true;
    /** Where bf16 tensors live; made at the first one. */
    private Arena arena;

    /** A scope of no backend's (a test's, or scratch memory a kernel owns). */
    CpuScope() {
        this(null);
    }

    /**
     * A scope of the backend whose workers are {@code backend}: after the backend's close, allocating, copying and
     * slicing throw as its kernels do (ComputeBackend's contract, and what OpenCL and CUDA do; until 2026-12-08 the
     * CPU's tensors went on working after close).
     */
    CpuScope(Parallel backend) {
        this.backend = backend;
    }

    @Override
    public Tensor allocate(long length) {
        checkOpen();
        checkLength(length);
        return new CpuTensor(this, new float[(int) length], 0, (int) length);
    }

    /** Float32 on the heap, or bf16 in native memory (zero-filled, 64-byte aligned); fp16 is refused. */
    @Override
    public Tensor allocate(long length, OperandFormat format) {
        if (format == OperandFormat.FP32) {
            return allocate(length);
        }
        if (format != OperandFormat.BF16) {
            throw TensorScope.refusal("cpu", format);
        }
        checkOpen();
        checkLength(length);
        synchronized (this) {
            if (arena == null) {
                arena = Arena.ofShared();
            }
            return CpuTensor.bf16(this, arena.allocate(2 * length, 64), (int) length);
        }
    }

    private static void checkLength(long length) {
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the CPU backend cannot allocate " + length + " values in one tensor");
        }
    }

    void checkOpen() {
        if (backend != null) {
            backend.requireOpen();
        }
        if (!open) {
            throw new IllegalStateException("tensor scope is closed");
        }
    }

    @Override
    public void close() {
        open = false;
        synchronized (this) {
            if (arena != null) {
                arena.close();
                arena = null;
            }
        }
    }
}
