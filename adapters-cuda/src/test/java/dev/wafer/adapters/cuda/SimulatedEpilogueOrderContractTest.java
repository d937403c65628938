package dev.wafer.adapters.cuda;

import dev.wafer.conformance.ComputeBackendContract;

/**
 * The whole kernel contract on the fast kernels with a bias epilogue that computes its product otherwise than the
 * plain GEMMs ({@link SimulatedGpu#withEpilogueDifferingFromTheGemm()}), as cuBLASLt's algorithm for a product may
 * against {@code cublasGemmEx}'s on a GPU: what the backend promises bit for bit (a linear layer's bf16 output is its
 * float32 output rounded, {@code Bf16StorageContract}) must not rest on the two agreeing.
 */
@HostOnly
class SimulatedEpilogueOrderContractTest extends SimulatedBackendTest implements ComputeBackendContract {
    @Override
    CudaBackend open() throws Exception {
        return new CudaBackend(new SimulatedGpu(SimulatedDevice.simulator(), false).withEpilogueDifferingFromTheGemm(),
                "simulated, an epilogue computing otherwise than the GEMM", false);
    }
}
