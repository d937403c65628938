package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;

import dev.wafer.ports.compute.ReductionKernel;
import dev.wafer.ports.compute.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Sum of squares in double (a partial sum per block of the first pass, each block's and then the partials' added in
 * fixed trees, so the result does not depend on scheduling; only the total, 8 bytes, crosses to the host), scaling
 * and filling.
 */
final class CudaReductions implements ReductionKernel {
    /** Threads of a block of either pass: the width of the kernels' fixed tree in shared memory. */
    static final int BLOCK = 256;
    /** The most blocks of the first pass, so the most partial sums: 262,144 threads stream a large tensor. */
    static final int PARTIALS = 1024;
    /** Elements each thread of the first pass takes at least before the grid grows, so a small tensor is few blocks. */
    static final int ITEMS_PER_THREAD = 16;
    static final int PARTIALS_SLOT = 1;
    static final int TOTAL_SLOT = 2;

    private final Gpu gpu;

    CudaReductions(Gpu gpu) {
        this.gpu = gpu;
    }

    /** The one-tensor case of {@link #sumsOfSquares}: the same launches, one 8-byte copy back. */
    @Override
    public double sumOfSquares(Tensor x, int n) {
        double[] sum = new double[1];
        sumsOfSquares(new Tensor[] {x}, new int[] {n}, sum);
        return sum[0];
    }

    /**
     * Every tensor's sum in its own slot of one device buffer, then one copy of them all to the host: one round
     * trip for the whole gradient norm instead of one per tensor (about 124 a step for a 12-layer model). The
     * partial sums' scratch is reused tensor after tensor, which the stream's order makes safe.
     */
    @Override
    public void sumsOfSquares(Tensor[] tensors, int[] counts, double[] sums) {
        ReductionKernel.checkSumsOfSquares(tensors, counts, sums);
        if (tensors.length == 0) {
            return;
        }
        CudaTensor[] checked = new CudaTensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            checked[i] = CudaTensor.of(gpu, tensors[i], counts[i]);
        }
        long partials = gpu.scratch(PARTIALS_SLOT, 8L * PARTIALS);
        long totals = gpu.scratch(TOTAL_SLOT, 8L * tensors.length);
        gpu.fill(totals, 0, 2L * tensors.length); // empty tensors sum to 0.0 (all-zero bits)
        for (int i = 0; i < tensors.length; i++) {
            if (counts[i] == 0) {
                continue;
            }
            int blocks = blocks(counts[i]);
            gpu.launch(new LaunchGeometry(blocks, 1, BLOCK, 1, 0), KernelArgs.of(CudaKernel.SUM_OF_SQUARES_PARTIALS)
                    .pointer(partials).pointer(checked[i].pointer()).integer(counts[i]));
            gpu.launch(new LaunchGeometry(1, 1, BLOCK, 1, 0), KernelArgs.of(CudaKernel.SUM_OF_SQUARES_TOTAL)
                    .pointer(totals + 8L * i).pointer(partials).integer(blocks));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(JAVA_DOUBLE, tensors.length);
            gpu.download(totals, host, 8L * tensors.length);
            MemorySegment.copy(host, JAVA_DOUBLE, 0, sums, 0, tensors.length);
        }
    }

    /**
     * Blocks of the first pass for {@code n} elements: one per {@value #ITEMS_PER_THREAD} x {@value #BLOCK} elements,
     * between 1 and {@value #PARTIALS}. It depends on {@code n} alone, which keeps the sum the same on every device.
     */
    static int blocks(int n) {
        long perBlock = (long) BLOCK * ITEMS_PER_THREAD;
        return (int) Math.max(1, Math.min(PARTIALS, (n + perBlock - 1) / perBlock));
    }

    @Override
    public void scale(Tensor x, int n, float factor) {
        CudaTensor t = CudaTensor.of(gpu, x, n);
        if (n > 0) {
            gpu.launch(LaunchGeometry.linear(n), KernelArgs.of(CudaKernel.SCALE)
                    .pointer(t.pointer()).integer(n).real(factor));
        }
    }

    @Override
    public void fill(Tensor x, int n, float value) {
        CudaTensor t = CudaTensor.of(gpu, x, n);
        if (n > 0) {
            gpu.launch(LaunchGeometry.linear(n), KernelArgs.of(CudaKernel.FILL)
                    .pointer(t.pointer()).integer(n).real(value));
        }
    }
}
