package dev.wafer.conformance;

/**
 * The whole contract. A backend's test module adds one class:
 * <pre>{@code
 * class CpuBackendContractTest implements ComputeBackendContract {
 *     static final CpuBackend BACKEND = ...;
 *     public ComputeBackend backend() { return BACKEND; }
 * }
 * }</pre>
 * Tests needing a capability the backend does not declare are skipped with that reason; every other failure is
 * a real one.
 */
public interface ComputeBackendContract extends TensorContract, EncoderContract, LayerNormContract, MatmulContract,
        AttentionContract, GeluResidualContract, CrossEntropyContract, OptimizerContract, MixedPrecisionContract,
        Bf16StorageContract, FusedAttentionContract {
}
