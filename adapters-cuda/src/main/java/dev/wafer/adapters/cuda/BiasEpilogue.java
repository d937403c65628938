package dev.wafer.adapters.cuda;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The linear layers' bias in cuBLASLt's epilogue for one device ({@link Gpu#gemmBias}): the cuBLASLt handle, one plan
 * per shape (or the shape's refusal, kept and reported), and the description of what it did. Its calls queue on the
 * device's stream and use cuBLAS's workspace, which the device passes in: both queue on the one stream, so their
 * uses never overlap.
 */
final class BiasEpilogue {
    /**
     * The least alignment of a bias the epilogue is given. cuBLASLt's documentation states no minimum, but
     * marian-nmt found the epilogue needs a 16-byte aligned bias on an A100 (its {@code REQUIRED_BIAS_ALIGNMENT};
     * 8 bytes faulted), and PyTorch met the same. A misaligned-address fault would end the device context, so a less
     * aligned bias (a parameter slice at an odd offset) is added by the bias kernel instead. The heuristic takes the
     * bias's alignment from the pointer it is shown ({@code cublasLt.h}), a NULL one as fully aligned, so each plan is
     * made with a bias pointer of exactly this alignment (until 2026-12-07 it was shown none): one plan serves every
     * bias of its shape, and none is less aligned than this.
     */
    static final int BIAS_ALIGNMENT = 16;

    private final CublasLtApi lt;
    private final MemorySegment handle;
    private final boolean tf32;
    /** Each shape's plan, or {@code null} where cuBLASLt has no algorithm for it (or refused a call). */
    private final Map<BiasShape, CublasLtApi.BiasPlan> plans = new HashMap<>();
    /** Calls whose bias was less aligned than {@link #BIAS_ALIGNMENT}: the kernel added those. */
    private long unalignedBiases;

    private BiasEpilogue(CublasLtApi lt, boolean tf32) {
        this.lt = lt;
        this.handle = lt.create();
        this.tf32 = tf32;
    }

    /** The epilogue over {@code lt} (its handle created now); float32 products on TF32 when {@code tf32}. */
    static BiasEpilogue open(CublasLtApi lt, boolean tf32) {
        return new BiasEpilogue(lt, tf32);
    }

    /** The cuBLASLt soname, for the device's description. */
    String soname() {
        return lt.soname();
    }

    /**
     * Queues {@code gemm} with {@code bias} added in its epilogue on {@code stream}, {@code workspace} holding
     * {@link CublasApi#WORKSPACE_BYTES}; false, with nothing queued, where the bias is less aligned than
     * {@link #BIAS_ALIGNMENT}, the shape has no algorithm or the call is refused ({@code CUBLAS_STATUS_NOT_SUPPORTED}:
     * the shape is then refused from now on).
     */
    boolean queue(Gemm gemm, int operandType, long bias, long workspace, MemorySegment stream) {
        if (gemm.beta() != 0f) {
            throw new IllegalArgumentException("the bias epilogue writes C, beta must be 0: " + gemm);
        }
        if (BiasShape.alignment(bias) < BIAS_ALIGNMENT) {
            unalignedBiases++;
            return false;
        }
        BiasShape shape = BiasShape.of(gemm, operandType);
        CublasLtApi.BiasPlan plan;
        if (plans.containsKey(shape)) {
            plan = plans.get(shape);
        } else {
            plan = lt.plan(handle, gemm, operandType, tf32 && operandType == CublasApi.R_32F
                    ? CublasLtApi.COMPUTE_32F_FAST_TF32 : CublasApi.COMPUTE_32F, CublasApi.WORKSPACE_BYTES,
                    shape.alignments(), BIAS_ALIGNMENT);
            plans.put(shape, plan);
        }
        if (plan == null) {
            return false;
        }
        if (!lt.matmul(handle, plan, gemm, bias, workspace, CublasApi.WORKSPACE_BYTES, stream)) {
            plan.close(lt);
            plans.put(shape, null);
            return false;
        }
        return true;
    }

    /**
     * E.g. {@code cuBLASLt on 4 of 4 shapes}, naming the shapes it had no algorithm for and counting the calls whose
     * bias was not aligned enough.
     */
    String describe() {
        List<String> refused = plans.entrySet().stream().filter(e -> e.getValue() == null)
                .map(e -> e.getKey().toString()).sorted().toList();
        return "cuBLASLt on " + (plans.size() - refused.size()) + " of " + plans.size() + " shapes"
                + (refused.isEmpty() ? "" : " (no algorithm for " + String.join("; ", refused)
                        + ": a kernel adds their bias)")
                + (unalignedBiases == 0 ? "" : "; " + unalignedBiases + " calls with a bias not " + BIAS_ALIGNMENT
                        + "-byte aligned: a kernel added it");
    }

    /** Destroys every plan and the handle. */
    void close() {
        for (CublasLtApi.BiasPlan plan : plans.values()) {
            if (plan != null) {
                plan.close(lt);
            }
        }
        lt.destroy(handle);
    }
}
