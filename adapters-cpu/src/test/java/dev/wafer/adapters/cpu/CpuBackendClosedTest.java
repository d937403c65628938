package dev.wafer.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.ResidualKernel;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/**
 * A closed CPU backend refuses every operation alike, whatever its thread count (one thread kept running kernels,
 * two failed with a bare RejectedExecutionException); a thread count below one or past the cap is refused by name,
 * not made 1 or failed deep in ForkJoinPool.
 */
class CpuBackendClosedTest {
    private static final int N = 4096 * 64;

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void everyOperationOfAClosedBackendThrowsIllegalState(int threads) {
        CpuBackend backend = new CpuBackend(threads, false);
        TensorScope scope = backend.openScope();
        Tensor x = scope.allocate(N);
        Tensor y = scope.allocate(N);
        ResidualKernel heldBeforeClose = backend.residual();
        backend.close();
        for (Runnable op : new Runnable[] {
            () -> backend.residual().forward(y, x, x, N),
            () -> heldBeforeClose.forward(y, x, x, N),
            () -> heldBeforeClose.backward(y, x, x, N),
            () -> backend.reductions().sumOfSquares(x, N),
            backend::openScope,
            () -> backend.matmul(OperandFormat.BF16),
            backend::adamW,
            // Its scopes' tensors too, as on OpenCL (until 2026-12-08 they went on working after close).
            () -> scope.allocate(8),
            () -> x.copyFromHost(new float[8], 0, 0, 8),
            () -> x.copyToHost(0, new float[8], 0, 8),
            () -> x.slice(0, 8),
        }) {
            IllegalStateException e = assertThrows(IllegalStateException.class, op::run, threads + " threads");
            assertEquals("CPU backend is closed", e.getMessage());
        }
    }

    /** A negative element count is refused, as OpenCL refuses it (until 2026-12-08 the CPU did nothing). */
    @org.junit.jupiter.api.Test
    void aNegativeElementCountIsRefused() {
        try (CpuBackend backend = new CpuBackend(1, false); TensorScope scope = backend.openScope()) {
            Tensor x = scope.allocate(8);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.residual().forward(x, x, x, -1));
            assertEquals("a kernel's element count must be >= 0, found -1", e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -4})
    void aThreadCountBelowOneIsRefusedByName(int threads) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CpuBackend(threads, false));
        assertTrue(e.getMessage().contains("threads") && e.getMessage().contains(String.valueOf(threads)),
                e.getMessage());
    }

    /**
     * 40,000 threads failed as "IllegalArgumentException: null" from ForkJoinPool, 32,767 ran out of memory on the
     * workers' scratch buffers: a count past {@link CpuBackend#MAX_THREADS} is refused naming threads and the range.
     */
    @ParameterizedTest
    @ValueSource(ints = {1025, 32_767, 40_000, Integer.MAX_VALUE})
    void aThreadCountPastTheCapIsRefusedWithTheRange(int threads) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CpuBackend(threads, false));
        assertEquals("threads must be in [1, 1024], found " + threads, e.getMessage());
    }
}
