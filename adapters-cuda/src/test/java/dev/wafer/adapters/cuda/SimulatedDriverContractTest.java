package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.conformance.ComputeBackendContract;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;
import org.junit.jupiter.api.Test;

/**
 * The whole kernel contract on the CUDA backend through its real device layer: {@link CudaGpu} with NVRTC compiling
 * every kernel to a CUBIN, every driver, cuBLAS and cuBLASLt call made through FFM downcalls into the
 * {@link SimulatedDriver},
 * whose stand-ins compute what the calls ask for. A binding that passes an argument in the wrong place shows here as
 * a wrong value.
 */
@HostOnly
class SimulatedDriverContractTest extends SimulatedBackendTest implements ComputeBackendContract {
    @Override
    CudaBackend open() throws Exception {
        return SimulatedDevice.openThroughTheDriver(kernelCache);
    }

    @Test
    void theLinearLayersBiasGoesThroughTheCublasLtEpilogue() {
        try (TensorScope s = cudaBackend().openScope()) {
            Tensor x = s.allocate(2 * 3);
            Tensor w = s.allocate(5 * 3);
            Tensor b = s.allocate(5);
            b.copyFromHost(new float[] {1, 2, 3, 4, 5});
            Tensor out = s.allocate(2 * 5);
            cudaBackend().matmul(OperandFormat.BF16).forward(out, x, w, b, 2, 3, 5);
            float[] y = out.toHost();
            assertTrue(y[0] == 1 && y[9] == 5, "zero inputs: the bias, from the epilogue");
        }
        String detail = cudaBackend().description();
        assertTrue(detail.contains("bias cuBLASLt on") && !detail.contains("on 0 of") && !detail.contains("no algorithm"),
                detail);
    }
}
