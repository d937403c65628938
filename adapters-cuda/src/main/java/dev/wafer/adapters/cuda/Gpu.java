package dev.wafer.adapters.cuda;

import java.lang.foreign.MemorySegment;

/**
 * What the kernel families need from a device: memory, copies, launches and GEMMs, all in one stream's order.
 * {@link CudaGpu} is the real one; tests substitute a recording one to check every launch without a GPU.
 */
interface Gpu extends AutoCloseable {
    /**
     * Scratch slots: 0 attention score gradient, 1-2 sum of squares, 3-5 rounded GEMM operands, 6-7 rounded
     * attention inputs, 8 partial column sums, 9-11 packed 16-bit attention operands (QKV, output gradient,
     * probabilities then score gradients), 12 float32 results before they are rounded into a bf16 tensor
     * ({@link Bf16Results}). Slot 0 also holds the bf16 attention's float32 scores in the forward, before they are
     * rounded into its bf16 probabilities (the backward's use comes later in the stream).
     */
    int SCRATCH_SLOTS = 13;

    /** Zero-filled device memory of {@code bytes} bytes; a device pointer. */
    long allocate(long bytes);

    /** Frees memory from {@link #allocate}, after the work queued so far. */
    void free(long pointer);

    /** Queues a copy of {@code bytes} from host memory; {@code src} may be reused when this returns. */
    void upload(long dst, MemorySegment src, long bytes);

    /** Copies {@code bytes} to host memory; returns when they have arrived (after all queued work). */
    void download(long src, MemorySegment dst, long bytes);

    /** Queues a device-to-device copy. */
    void copy(long dst, long src, long bytes);

    /** Queues {@code count} 32-bit words of {@code bits} (a float's raw bits) from {@code dst}. */
    void fill(long dst, int bits, long count);

    /**
     * Uploads ids (tokens, targets) into a device buffer the GPU owns and returns its pointer; valid for the work
     * queued before the next call.
     */
    long uploadIds(int[] ids, int n);

    /**
     * A device scratch buffer of at least {@code bytes} bytes, owned by the GPU and valid until the next call
     * with the same {@code slot}.
     */
    long scratch(int slot, long bytes);

    /** Queues a kernel. */
    void launch(LaunchGeometry geometry, KernelArgs args);

    /** Queues an SGEMM. */
    void gemm(Gemm gemm);

    /**
     * Queues a GEMM whose A and B hold 16-bit values ({@code operandType} {@link CublasApi#R_16BF} or
     * {@link CublasApi#R_16F}) and whose C is float32, accumulated in float32 (tensor cores).
     *
     * @throws IllegalStateException without cuBLAS (see {@link #hasBlas()})
     */
    void gemm16(Gemm gemm, int operandType);

    /**
     * Queues strided-batched GEMMs: float32 throughout for {@link CublasApi#R_32F}, else 16-bit A and B.
     *
     * @throws IllegalStateException without cuBLAS (see {@link #hasBlas()})
     */
    void gemmBatched(BatchedGemm gemm, int operandType);

    /**
     * Queues {@code C = alpha op(A) op(B) + bias} in one call, the bias added in the GEMM's epilogue (cuBLASLt's
     * {@code CUBLASLT_EPILOGUE_BIAS}): {@code bias[i]} (float32, {@code m} values) is added to row {@code i} of
     * the column-major C, i.e. to column {@code i} of every row of the row-major output. A and B hold
     * {@code operandType} values ({@link CublasApi#R_32F}, or 16-bit as in {@link #gemm16}); C is float32,
     * accumulated in float32, and {@code beta} must be 0. The float32 result plus the bias is rounded once, as the
     * product followed by a bias kernel rounds it, so the two give the same bits for the same product.
     *
     * @return {@code false}, with nothing queued, where no cuBLASLt is bound or it has no algorithm for this shape
     *         (the caller then adds the bias with a kernel; {@link #biasEpilogue} reports it)
     */
    boolean gemmBias(Gemm gemm, int operandType, long bias);

    /** What {@link #gemmBias} did so far, for the backend's description: e.g. {@code "epilogue: cuBLASLt, 3 shapes"}. */
    String biasEpilogue();

    /** Whether cuBLAS is loaded (the 16-bit and batched GEMMs need it). */
    boolean hasBlas();

    /** Waits for all queued work. */
    void synchronize();

    /** The device's name, e.g. {@code NVIDIA H200}. */
    String deviceName();

    @Override
    void close();
}
