package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wafer.domain.model.ModelPrecision;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.session.ModelAssembly;
import dev.wafer.domain.session.TrainableModel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.TensorScope;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The device memory the CUDA backend allocates for itself beside the model's tensors (its scratch slots and the token
 * ids), which the dry run's estimate does not count: one training step (forward, backward, AdamW) of the 111M shape at
 * seq 2048 x batch 8 on a {@link RecordingGpu} (no device, no values; the allocations are the real backend's). The
 * figures are the ones docs/cuda.md states; a change to the kernels that grows them fails here first.
 */
class ScratchFootprintTest {
    private static final ModelShape M111 = ModelShape.withHeads(50257, 2048, 10, 12, 768, 3072);
    private static final int BATCH = 8;
    private static final int SEQ = 2048;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "fp32 fast,         204546188",
        "fp32 baseline,     1613832320",
        "bf16 fused,        576065576",
        "bf16 unfused,      902434856",
        "bf16 baseline,     5464517760",
        "fp16 fast,         852103208",
    })
    void theBackendsOwnAllocationsAtThe111MShape(String mode, long expected) {
        boolean baseline = mode.endsWith("baseline");
        OperandFormat operands = OperandFormat.valueOf(mode.substring(0, 4).toUpperCase(java.util.Locale.ROOT));
        ModelPrecision precision = new ModelPrecision(operands, false);
        if (mode.endsWith("unfused")) {
            precision = precision.withUnfusedAttention();
        }
        RecordingGpu gpu = new RecordingGpu();
        try (CudaBackend backend = new CudaBackend(gpu, "recording", baseline, !baseline);
             TensorScope scope = backend.openScope()) {
            TrainableModel m = ModelAssembly.trainable(backend, scope, M111, ParameterisationKind.SP, BATCH, SEQ,
                    AdamWSettings.cerebras(1e-8), precision);
            int[] tokens = new int[BATCH * SEQ];
            m.model().zeroGradients();
            m.model().forward(tokens, tokens);
            m.model().backward(1f);
            m.optimizer().step(m.model().parameters(), m.model().gradients(), 1e-4);
        }
        StringBuilder slots = new StringBuilder();
        long total = 0;
        for (int slot = 0; slot <= OwnedBuffers.IDS; slot++) {
            total += gpu.scratchBytes(slot);
            slots.append(' ').append(slot).append('=').append(gpu.scratchBytes(slot));
        }
        assertEquals(expected, total, mode + ": bytes per slot (the last is the token ids):" + slots);
    }
}
