package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.domain.model.ModelPrecision;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.session.TrainableModel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.TensorScope;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How the fast kernels of a training step use memory, counted on the simulator: every warp's requests grouped as a GPU
 * issues them (per memory space and source line), with the transactions each takes ({@link CudaSimulator#countMemoryRequests}).
 * <ul>
 *   <li>Shared memory: no bank conflicts, every line takes the ideal wavefronts (one per 32 distinct words; 8-byte
 *       accesses per half-warp). The fused attention's products read their operands from shared memory, two loads per
 *       {@code mma.sync}, so shared memory likely bounds them on a GPU. Before the transposed tiles were swizzled
 *       ({@code fa_swizzled}, {@code ft_swizzled}) their staging stores were 4-way conflicts.</li>
 *   <li>Global memory: every element-wise, row and reduction kernel reads and writes whole sectors (the ideal 32-byte
 *       sectors for its bytes); in the fused attention no line takes more than {@value #FUSED_SECTORS} times its ideal:
 *       the A operands loaded once per block are fragment-shaped (8 rows of 16 bytes a request) and the staging loads
 *       read bf16 pairs as two 2-byte loads (the second served by L1). The row terms read one row per thread until
 *       they took a warp per row: 8 to 11 times the ideal sectors.</li>
 * </ul>
 * One step at seq 128 (two tiles of 64) with heads of 64 and 128 channels in bf16 (fused attention, bf16
 * activations), float32 (fused), and bf16 and fp16 with the unfused attention (its row kernels, bf16 probabilities).
 */
@HostOnly
class KernelMemoryRequestsTest {
    private static final int SEQ = 128;
    /** The most sectors a fused-attention line may take over its ideal (see the class comment). */
    private static final double FUSED_SECTORS = 4.0;

    private static List<CudaSimulator.MemoryRequests> step(ModelShape shape, OperandFormat operands,
                                                           boolean unfused) {
        CudaSimulator simulator = SimulatedDevice.simulator();
        simulator.resetMemoryRequests();
        simulator.countMemoryRequests(true);
        try (CudaBackend backend = SimulatedDevice.open(false);
             TensorScope scope = backend.openScope()) {
            ModelPrecision precision = new ModelPrecision(operands, false);
            TrainableModel m = TrainingStep.model(backend, scope, shape, 2, SEQ,
                    unfused ? precision.withUnfusedAttention() : precision);
            int[] tokens = new int[2 * SEQ];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = (i * 7) % shape.vocabSize();
            }
            TrainingStep.run(m, tokens);
        } finally {
            simulator.countMemoryRequests(false);
        }
        return simulator.memoryRequests();
    }

    private static String list(List<CudaSimulator.MemoryRequests> requests) {
        return requests.stream().map(Object::toString).collect(Collectors.joining("\n  "));
    }

    @ParameterizedTest(name = "head size {0}, {1}, unfused attention {2}: {3} counted")
    @CsvSource({
        "64,  BF16, false, flash_attention.cu",
        "128, BF16, false, flash_attention.cu",
        "64,  FP32, false, flash_attention_f32.cu",
        "64,  BF16, true,  attention.cu",
        "64,  FP16, true,  attention.cu",
    })
    void sharedMemoryHasNoBankConflictsAndGlobalMemoryWholeSectors(int headSize, OperandFormat operands,
                                                                  boolean unfused, String mustCount) {
        ModelShape shape = ModelShape.withHeads(1000, SEQ, 1, 2, 2 * headSize, 8 * headSize);
        List<CudaSimulator.MemoryRequests> counted = step(shape, operands, unfused);
        String all = list(counted);
        // Not vacuous: the attention's kernels ran and were counted, in both spaces where they use shared memory.
        assertTrue(counted.stream().anyMatch(r -> r.file().equals(mustCount) && r.requests() > 0),
                () -> "no request of " + mustCount + " was counted:\n  " + all);
        assertTrue(counted.stream().anyMatch(r -> r.space() == CudaSimulator.Space.SHARED),
                () -> "no shared-memory request was counted:\n  " + all);

        List<CudaSimulator.MemoryRequests> conflicts = counted.stream()
                .filter(r -> r.space() == CudaSimulator.Space.SHARED && r.transactions() != r.ideal()).toList();
        assertTrue(conflicts.isEmpty(), () -> "bank conflicts:\n  " + list(conflicts) + "\nall counted:\n  " + all);

        Predicate<CudaSimulator.MemoryRequests> fused = r -> r.file().startsWith("flash_attention");
        List<CudaSimulator.MemoryRequests> wasted = counted.stream()
                .filter(r -> r.space() == CudaSimulator.Space.GLOBAL)
                .filter(r -> fused.test(r) ? r.degree() > FUSED_SECTORS : r.transactions() != r.ideal()).toList();
        assertTrue(wasted.isEmpty(), () -> "global-memory requests over their sectors:\n  " + list(wasted)
                + "\nall counted:\n  " + all);
    }
}
