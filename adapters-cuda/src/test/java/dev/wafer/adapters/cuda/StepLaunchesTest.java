package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.domain.model.ModelPrecision;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.session.TrainableModel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.TensorScope;
import org.junit.jupiter.api.Test;

/**
 * How many calls the host makes to the device in one training step (forward, backward, AdamW) on the fast kernels,
 * counted on a {@link RecordingGpu}: kernel launches, cuBLAS calls and device-to-host copies. With the fused attention
 * the count depends on the layers only, not on the sequence length or the micro-batch, so a step of 16,384 tokens
 * costs the host a few hundred calls; the unfused attention makes its products per sequence and causal block. The
 * figures at the 111M shape are those docs/cuda.md states.
 */
@HostOnly
class StepLaunchesTest {
    /** The calls of one step. */
    record Calls(int kernels, int gemms, int batchedGemms, int downloads) {
        int total() {
            return kernels + gemms + batchedGemms + downloads;
        }
    }

    static Calls step(ModelShape shape, int batch, int seq, ModelPrecision precision) {
        RecordingGpu gpu = new RecordingGpu();
        int kernels;
        int gemms;
        int batched;
        int downloads;
        try (CudaBackend backend = new CudaBackend(gpu, "recording", false, true);
             TensorScope scope = backend.openScope()) {
            TrainableModel m = TrainingStep.model(backend, scope, shape, batch, seq, precision);
            int[] tokens = TrainingStep.spreadTokens(shape, batch * seq);
            kernels = gpu.launches().size();
            gemms = cublasProducts(gpu);
            batched = gpu.batched().size();
            downloads = gpu.downloads();
            TrainingStep.run(m, tokens);
            kernels = gpu.launches().size() - kernels;
            gemms = cublasProducts(gpu) - gemms;
            batched = gpu.batched().size() - batched;
            downloads = gpu.downloads() - downloads;
        }
        // The recording device also launches the built-in tiled kernel for each SGEMM (what WAFER_CUDA_GEMM=builtin
        // would run); with cuBLAS those are not launches.
        long tiled = gpu.launches().stream().filter(l -> l.kernel() == CudaKernel.GEMM_TILED).count();
        return new Calls(kernels - (int) tiled, gemms, batched, downloads);
    }

    /** The unbatched products: SGEMMs, 16-bit GEMMs and those with the bias in their epilogue (cuBLASLt). */
    private static int cublasProducts(RecordingGpu gpu) {
        return gpu.gemms().size() + gpu.gemms16().size() + gpu.biasGemms().size();
    }

    @Test
    void withTheFusedAttentionAStepsCallsDependOnTheLayersOnly() {
        ModelPrecision bf16 = new ModelPrecision(OperandFormat.BF16, false);
        ModelShape two = ModelShape.withHeads(211, 128, 2, 2, 32, 128);
        Calls small = step(two, 2, 64, bf16);
        assertEquals(small, step(two, 3, 128, bf16), "more sequences, longer ones: the same calls");
        Calls three = step(ModelShape.withHeads(211, 128, 3, 2, 32, 128), 2, 64, bf16);
        Calls four = step(ModelShape.withHeads(211, 128, 4, 2, 32, 128), 2, 64, bf16);
        assertEquals(three.total() - small.total(), four.total() - three.total(), "the same calls per layer");
        assertEquals(2, small.downloads(), "the loss and the gradient norm's sums: one copy each");
    }

    @Test
    void theUnfusedAttentionsProductsArePerSequence() {
        ModelPrecision fp32 = new ModelPrecision(OperandFormat.FP32, false).withUnfusedAttention();
        ModelShape two = ModelShape.withHeads(211, 128, 2, 2, 32, 128);
        Calls b2 = step(two, 2, 64, fp32);
        Calls b4 = step(two, 4, 64, fp32);
        assertTrue(b2.batchedGemms() > 0, "the unfused attention's products are batched GEMMs");
        assertEquals(2 * b2.batchedGemms(), b4.batchedGemms(), "twice the sequences, twice the batched products");
        assertEquals(b2.gemms(), b4.gemms(), "the linear layers' products do not depend on the micro-batch");
    }

    @Test
    void atThe111MShapeAStepIsAFewHundredCalls() {
        ModelShape m111 = ModelShape.withHeads(50257, 2048, 10, 12, 768, 3072);
        // The biases of the float32 outputs are added in their products' epilogue: no bias kernel for the attention
        // projection and both MLP layers (bf16: the QKV output is a bf16 tensor and keeps add_bias_bf16), all four
        // linear layers in fp32; 454, 357 and 477 kernels before.
        assertEquals(new Calls(424, 135, 0, 2), step(m111, 8, 2048, new ModelPrecision(OperandFormat.BF16, false)),
                "bf16, fused attention (docs/cuda.md)");
        assertEquals(new Calls(317, 123, 0, 2), step(m111, 8, 2048, new ModelPrecision(OperandFormat.FP32, false)),
                "fp32, fused attention (docs/cuda.md)");
        assertEquals(new Calls(437, 123, 1920, 2), step(m111, 8, 2048,
                new ModelPrecision(OperandFormat.FP32, false).withUnfusedAttention()), "fp32, unfused (docs/cuda.md)");
    }
}
