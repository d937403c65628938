package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.domain.model.ModelPrecision;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.session.TrainableModel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.TensorScope;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * No kernel of a training step has shared-memory bank conflicts: the simulator counts every warp's shared-memory
 * requests as a GPU issues them (per source line) and the wavefronts each takes with 32 banks of 4-byte words, and
 * every line must take the ideal number (one per 32 distinct words; 8- and 16-byte accesses per half- and
 * quarter-warp). A conflict costs every block that wavefront again, and the fused attention, whose products read
 * their operands from shared memory, is bound by those reads on a GPU (two per {@code mma.sync}). Before the
 * transposed tiles were swizzled ({@code fa_swizzled}, {@code ft_swizzled}), their staging stores were 4-way
 * conflicts: at head size 64, a quarter of the bf16 forward's wavefronts. Runs the fused attention at head sizes 64
 * (the 111M model's) and 128 (the wide kernels), in bf16 and float32, and the baseline kernels.
 */
@HostOnly
class SharedMemoryBanksTest {
    /** Two tiles of 64 queries and keys per sequence, heads of 64 or 128 channels. */
    private static final int SEQ = 128;

    private static List<CudaSimulator.SharedRequests> step(ModelShape shape, OperandFormat operands,
                                                           boolean baseline) {
        CudaSimulator simulator = SimulatedDevice.simulator();
        simulator.resetSharedRequests();
        simulator.countSharedRequests(true);
        try (CudaBackend backend = SimulatedDevice.open(baseline);
             TensorScope scope = backend.openScope()) {
            TrainableModel m = TrainingStep.model(backend, scope, shape, 1, SEQ,
                    new ModelPrecision(operands, false));
            int[] tokens = new int[SEQ];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = (i * 7) % shape.vocabSize();
            }
            TrainingStep.run(m, tokens);
        } finally {
            simulator.countSharedRequests(false);
        }
        return simulator.sharedRequests();
    }

    @ParameterizedTest(name = "head size {0}, {1}, baseline {2}: {3}")
    @CsvSource({
        "64,  BF16, false, flash_attention.cu",
        "128, BF16, false, flash_attention.cu",
        "64,  FP32, false, flash_attention_f32.cu",
        "64,  FP32, true,  crossentropy.cu",
    })
    void everySharedMemoryRequestTakesTheIdealWavefronts(int headSize, OperandFormat operands, boolean baseline,
                                                         String mustCount) {
        ModelShape shape = ModelShape.withHeads(256, SEQ, 1, 2, 2 * headSize, 8 * headSize);
        List<CudaSimulator.SharedRequests> counted = step(shape, operands, baseline);
        String all = counted.stream().map(Object::toString).collect(Collectors.joining("\n  "));
        // Not vacuous: the kernels that stage data in shared memory ran and were counted.
        assertTrue(counted.stream().anyMatch(r -> r.file().equals(mustCount) && r.requests() > 0),
                () -> "no shared-memory request of " + mustCount + " was counted:\n  " + all);
        List<CudaSimulator.SharedRequests> conflicts = counted.stream().filter(r -> r.wavefronts() != r.ideal())
                .toList();
        assertTrue(conflicts.isEmpty(), () -> "bank conflicts at " + conflicts.stream().map(Object::toString)
                .collect(Collectors.joining("; ")) + "\nall counted:\n  " + all);
    }
}
