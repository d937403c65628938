package dev.wafer.adapters.cpu;

import dev.wafer.ports.compute.Tensor;

/**
 * How a float32 kernel writes a bf16 tensor: it runs into one reused float32 scratch tensor, which is then rounded
 * (nearest even, {@link Bf16Pack}) into the bf16 output, split over the workers. The scratch grows to the largest
 * output (the QKV projection's, {@code B·T·3C}: 19 MB on 111M at seq 512 x batch 4) and is shared by every kernel
 * wrapped this way (they run one at a time). It is the rounding the bf16 matmul
 * did on every use of the tensor, moved to where the tensor is written.
 */
final class Bf16Output {
    private final CpuScope scope = new CpuScope();
    private final Bf16Pack packer;
    private CpuTensor scratch = new CpuTensor(scope, new float[0], 0, 0);

    Bf16Output(Parallel parallel, boolean vectorized) {
        this.packer = new Bf16Pack(parallel, vectorized);
    }

    /**
     * A float32 tensor of {@code n} elements for the kernel's output; valid until the next call, and until then
     * sharing nothing with any tensor a caller owns.
     */
    Tensor scratch(long n) {
        if (n > scratch.length()) {
            scratch = (CpuTensor) scope.allocate(n);
        }
        return scratch.slice(0, n);
    }

    /** Rounds the first {@code n} scratch values into {@code out}'s first {@code n} elements. */
    void store(CpuTensor out, int n) {
        store(out, 0, n);
    }

    /** Rounds the first {@code n} scratch values into {@code out}'s elements {@code [from, from + n)}. */
    void store(CpuTensor out, int from, int n) {
        packer.toBf16(scratch.data, 0, n, 1, n, out.bf16(from, n));
    }
}
