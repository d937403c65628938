package dev.wafer.suite;

/**
 * The whole model-level suite. A backend's test module adds one class:
 * <pre>{@code
 * class CpuBackendModelSuiteTest implements ModelSuite {
 *     static final CpuBackend BACKEND = new CpuBackend(2, true);
 *     public ComputeBackend backend() { return BACKEND; }
 * }
 * }</pre>
 * It runs the real model on that backend: the PyTorch golden files (SP and muP), 20 training steps against the
 * reference backend, the muP coordinate check, cached-attention decoding, activation recomputation, bf16 activation
 * storage, exact resume from a checkpoint and training with 16-bit operands. Together with the kernel contract
 * ({@link dev.wafer.conformance.ComputeBackendContract}) this is what a backend must pass to train Wafer models.
 */
public interface ModelSuite extends GoldenModelContract, ReferenceTrainingContract, CoordinateCheckContract,
        CachedDecodingContract, RecomputeContract, ActivationStorageContract, ResumeContract,
        MixedPrecisionTrainingContract, FusedAttentionTrainingContract, SharedContextScoringContract {
}
