package dev.wafer.domain.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import dev.wafer.domain.model.ActivationStorage;
import dev.wafer.domain.model.ModelPrecision;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.model.ParameterLayout;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.StepShape;

class MemoryEstimateTest {
    private static final ModelShape M111 = ModelShape.gpt(768, 10, 64);

    @Test
    void stateIsFourCopiesOfTheParameters() {
        MemoryEstimate m = MemoryEstimate.of(M111, 1, 2048);
        assertEquals(111_050_496L * 16, m.stateBytes());
        // The 10 layers' attention matrices (12 heads x 2048^2 each) dominate the activations of one sequence.
        assertTrue(m.activationBytes() > 10L * 12 * 2048 * 2048 * 4, String.valueOf(m.activationBytes()));
    }

    @Test
    void picksTheLargestDivisorOfEveryBatchThatFits() {
        // Sequences of 1024, so that the host tensor limit does not bind below 16 sequences.
        long perSequence = MemoryEstimate.of(M111, 2, 1024).activationBytes()
                - MemoryEstimate.of(M111, 1, 1024).activationBytes();
        long state = MemoryEstimate.of(M111, 1, 1024).stateBytes();
        // Room for 5 sequences: 120 is divisible by 5, so 5 is chosen.
        assertEquals(OptionalInt.of(5), MemoryEstimate.largestMicroBatch(M111, 1024, List.of(120),
                state + 5 * perSequence + perSequence / 2));
        // Room for 7: 120 is not divisible by 7, so 6.
        assertEquals(OptionalInt.of(6), MemoryEstimate.largestMicroBatch(M111, 1024, List.of(120),
                state + 7 * perSequence + perSequence / 2));
        // Two phases (720 and 1080 sequences, as the 13B run): the micro-batch must divide both (gcd 360).
        // Room for 17: 16 divides 720 but not 1080, so 15.
        assertEquals(OptionalInt.of(16), MemoryEstimate.largestMicroBatch(M111, 1024, List.of(720),
                state + 17 * perSequence + perSequence / 2));
        assertEquals(OptionalInt.of(15), MemoryEstimate.largestMicroBatch(M111, 1024, List.of(720, 1080),
                state + 17 * perSequence + perSequence / 2));
        assertEquals(OptionalInt.empty(), MemoryEstimate.largestMicroBatch(M111, 1024, List.of(120), state));
        // At 2048 tokens the logits (2048 x 50,257 floats a sequence) cap the micro-batch at 20 whatever the memory;
        // attention is allocated layer by layer, so its 12 x 2048^2 floats a sequence and layer do not bind first.
        assertEquals(OptionalInt.of(20), MemoryEstimate.largestMicroBatch(M111, 2048, List.of(120), Long.MAX_VALUE));
        // The GPU bench shape (8 x 2048) fits where memory allows.
        assertTrue(MemoryEstimate.of(M111, 8, 2048).fits(Long.MAX_VALUE));
    }

    @Test
    void dataParallelRanksEachGetTheSameNumberOfMicroBatches() {
        long state = MemoryEstimate.of(M111, 1, 1024).totalBytes() - MemoryEstimate.of(M111, 1, 1024)
                .activationBytes();
        long perSequence = MemoryEstimate.of(M111, 1, 1024).activationBytes();
        long roomFor7 = state + 7 * perSequence + perSequence / 2;
        // One process: 6 (120 = 20 x 6). Two ranks: 20 micro-batches, 10 each. Four ranks: 6 gives 20 = 4 x 5 too.
        assertEquals(OptionalInt.of(6), MemoryEstimate.largestMicroBatch(M111, 1024, List.of(120), roomFor7, 2));
        // Eight ranks: 6 gives 20 micro-batches (not a multiple of 8), 5 gives 24 = 8 x 3.
        assertEquals(OptionalInt.of(5), MemoryEstimate.largestMicroBatch(M111, 1024, List.of(120), roomFor7, 8));
        // Seven ranks: 120 / m is a multiple of 7 for no m, so the largest that fits, as for one process.
        assertEquals(OptionalInt.of(6), MemoryEstimate.largestMicroBatch(M111, 1024, List.of(120), roomFor7, 7));
        // The default sample run (16 sequences, room for all): one process takes 16 at once; two ranks 8 each.
        assertEquals(OptionalInt.of(16), MemoryEstimate.largestMicroBatch(M111, 128, List.of(16), Long.MAX_VALUE, 1));
        assertEquals(OptionalInt.of(8), MemoryEstimate.largestMicroBatch(M111, 128, List.of(16), Long.MAX_VALUE, 2));
    }

    @Test
    void withoutAnEqualSplitEveryRankStillGetsAMicroBatch() {
        // 8 sequences on 3 ranks: no micro-batch splits 8 into a multiple of 3; 8 (one micro-batch) left 2 ranks idle,
        // 2 gives 4 micro-batches, one or two a rank.
        assertEquals(OptionalInt.of(2), MemoryEstimate.largestMicroBatch(M111, 128, List.of(8), Long.MAX_VALUE, 3));
        // 120 on 7 ranks: 15 gives 8 micro-batches (was 120, one).
        assertEquals(OptionalInt.of(15), MemoryEstimate.largestMicroBatch(M111, 128, List.of(120), Long.MAX_VALUE, 7));
        // 13B's phases (720, then 1080 sequences) on 7 ranks: every phase needs 7 micro-batches or more.
        assertEquals(OptionalInt.of(90), MemoryEstimate.largestMicroBatch(M111, 128, List.of(720, 1080),
                Long.MAX_VALUE, 7));
        // Fewer sequences than ranks: no micro-batch gives every rank work, so the largest that fits.
        assertEquals(OptionalInt.of(2), MemoryEstimate.largestMicroBatch(M111, 128, List.of(2), Long.MAX_VALUE, 4));
    }

    @Test
    void aTensorBeyondTheHostLimitNeverFits() {
        // 2048 x 50,257 logits per sequence: 21 sequences pass 2^31 floats in one tensor.
        MemoryEstimate m = MemoryEstimate.of(M111, 21, 2048);
        assertTrue(m.largestTensorFloats() > MemoryEstimate.MAX_TENSOR_FLOATS);
        assertTrue(!m.fits(Long.MAX_VALUE));
    }

    @Test
    void aBackendsWorkspaceIsAskedForTheRunsStepAndCounted() {
        ModelPrecision bf16 = new ModelPrecision(OperandFormat.BF16, false);
        ActivationStorage storage = new ActivationStorage(OperandFormat.BF16, OperandFormat.BF16, "", true);
        java.util.List<StepShape> asked = new java.util.ArrayList<>();
        MemoryEstimate m = MemoryEstimate.of(M111, 8, 2048, 1, false, bf16, storage, step -> {
            asked.add(step);
            return 1000L * step.microBatch();
        });
        assertEquals(8000, m.workspaceBytes());
        MemoryEstimate without = MemoryEstimate.of(M111, 8, 2048, 1, false, storage);
        assertEquals(0, without.workspaceBytes());
        assertEquals(without.totalBytes() + 8000, m.totalBytes());
        assertEquals(new StepShape(8, 2048, 768, 3072, 12, M111.vocabSize(), new ParameterLayout(M111).specs().size(),
                OperandFormat.BF16, OperandFormat.BF16, OperandFormat.BF16, true, false), asked.get(0));
    }

    @Test
    void theWorkspaceCanTakeTheLargestMicroBatchDown() {
        ActivationStorage fp32 = ActivationStorage.FP32;
        long budget = MemoryEstimate.of(M111, 4, 1024, 1, false, fp32).totalBytes();
        assertEquals(OptionalInt.of(4), MemoryEstimate.largestMicroBatch(M111, 1024, List.of(8), budget, 1, 1, false,
                ModelPrecision.FP32, fp32, step -> 0));
        // One byte of scratch more than the room left: the micro-batch of 4 no longer fits, 2 does.
        assertEquals(OptionalInt.of(2), MemoryEstimate.largestMicroBatch(M111, 1024, List.of(8), budget, 1, 1, false,
                ModelPrecision.FP32, fp32, step -> step.microBatch() == 4 ? 1 : 0));
    }
}
