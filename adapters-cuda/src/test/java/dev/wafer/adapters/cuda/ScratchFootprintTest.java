package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wafer.domain.model.ModelPrecision;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.session.MemoryEstimate;
import dev.wafer.domain.session.TrainableModel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.TensorScope;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The device memory the CUDA backend allocates for itself beside the model's tensors (its scratch slots and the token
 * ids): one training step (forward, backward, AdamW) on a {@link RecordingGpu} (no device, no values; the allocations
 * are the real backend's), against {@link CudaWorkspace}, which the dry run and the micro-batch sizing add to the
 * model's tensors. The tokens are all different, as many as the vocabulary allows, so the encoder's token buckets
 * reach the size the workspace bounds them by. At the 111M shape (seq 2048 x batch 8) the figures are those
 * docs/cuda.md states.
 */
@HostOnly
class ScratchFootprintTest {
    private static final ModelShape M111 = ModelShape.withHeads(50257, 2048, 10, 12, 768, 3072);
    /** Odd sizes: a vocabulary smaller than the rows, heads of 16 (fused), a micro-batch of 3. */
    private static final ModelShape SMALL = ModelShape.withHeads(211, 48, 2, 2, 32, 96);

    /** What {@link CudaWorkspace} predicts, what the backend allocated, and per slot (the last is the token ids). */
    private record Step(long predicted, long allocated, String slots) {
    }

    private static Step step(ModelShape shape, int batch, int seq, String mode) {
        boolean baseline = mode.endsWith("baseline");
        OperandFormat operands = OperandFormat.valueOf(mode.substring(0, 4).toUpperCase(Locale.ROOT));
        ModelPrecision precision = new ModelPrecision(operands, mode.contains("fp32-grads"));
        if (mode.endsWith("unfused")) {
            precision = precision.withUnfusedAttention();
        }
        RecordingGpu gpu = new RecordingGpu();
        long predicted;
        try (CudaBackend backend = new CudaBackend(gpu, "recording", baseline, !baseline);
             TensorScope scope = backend.openScope()) {
            TrainableModel m = TrainingStep.model(backend, scope, shape, batch, seq, precision);
            predicted = CudaWorkspace.bytes(baseline, MemoryEstimate.step(shape, batch, seq, precision,
                    m.model().activationStorage()));
            int[] tokens = new int[batch * seq];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = i % shape.vocabSize();
            }
            TrainingStep.run(m, tokens);
        }
        long total = 0;
        StringBuilder slots = new StringBuilder();
        for (int slot = 0; slot <= OwnedBuffers.IDS; slot++) {
            total += gpu.scratchBytes(slot);
            slots.append(' ').append(slot).append('=').append(gpu.scratchBytes(slot));
        }
        return new Step(predicted, total, slots.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "fp32 fused,               4137092",
        "fp32 unfused,             204677252",
        "fp32 baseline,            1613832320",
        "bf16 fused,               525902372",
        "bf16 unfused,             852271652",
        "bf16 baseline,            5464517760",
        "bf16 fp32-grads unfused,  902603300",
        "fp16 fast,                852271652",
        "fp16 baseline,            5464517760",
    })
    void theWorkspaceIsWhatTheBackendAllocatesInAStep(String mode, long at111M) {
        Step large = step(M111, 8, 2048, mode);
        assertEquals(large.predicted(), large.allocated(), mode + " at 111M, seq 2048 x batch 8; per slot:"
                + large.slots());
        assertEquals(at111M, large.predicted(), mode + ": the figure docs/cuda.md states");
        Step small = step(SMALL, 3, 48, mode);
        assertEquals(small.predicted(), small.allocated(), mode + " at d_model 32, vocabulary 211, seq 48 x batch 3;"
                + " per slot:" + small.slots());
    }
}
