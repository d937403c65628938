package dev.wafer.adapters.cuda;

/**
 * Where a kernel that writes float32 writes a result that {@code BF16_STORAGE} lets be a bf16 tensor (the unfused
 * attentions' output, a bf16 linear layer without a bias or with its bias in cuBLASLt's epilogue): into a float32
 * tensor directly; into a bf16 tensor through
 * a float32 scratch copy that is then rounded into it once ({@code pack_operands}, nearest even), so the stored values
 * are the float32 result rounded, bit for bit, as the capability asks. LayerNorm, GELU, the fused attention and a
 * linear layer's bias kernel ({@code add_bias_bf16}, where there is no epilogue) write bf16 outputs directly instead.
 */
final class Bf16Results {
    /** The scratch slot of the float32 copy (see {@link Gpu#SCRATCH_SLOTS}). */
    static final int SLOT = 12;
    private static final int BF16 = 1;

    private final Gpu gpu;

    Bf16Results(Gpu gpu) {
        this.gpu = gpu;
    }

    /** The float32 address the kernel writes {@code n} results of {@code out} to. */
    long target(CudaTensor out, long n) {
        return out.isBf16() ? gpu.scratch(SLOT, 4 * Math.max(n, 1)) : out.pointer();
    }

    /** After the kernel writing {@code target}: rounds its {@code n} results into {@code out} when that is bf16. */
    void store(CudaTensor out, long target, long n) {
        if (out.isBf16()) {
            Packer.packInto(out.pointer(), target, n, BF16, gpu);
        }
    }
}
