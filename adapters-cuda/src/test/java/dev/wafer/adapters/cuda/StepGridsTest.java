package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.domain.model.ModelPrecision;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.session.TrainableModel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.TensorScope;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every kernel of a training step at the 111M shape (seq 2048 x batch 8; the fast kernels, fused attention in bf16 and
 * float32, unfused in bf16 and fp16) gives the GPU enough blocks to use it: a
 * launch with fewer blocks than an H200 has SMs ({@value #SMS}) leaves SMs idle for as long as it runs, which no test
 * of values sees. Counted on the {@link RecordingGpu}. The launches allowed below that are small by design and listed
 * with their reason; a new one fails here until it is looked at. The gradient norm's first pass streamed the whole
 * gradient (124 million floats a step) with 4 blocks until 2026-12-07; it now takes up to 1,024.
 */
@HostOnly
class StepGridsTest {
    /** Streaming multiprocessors of an H200 (and an H100 SXM). */
    static final int SMS = 132;
    private static final ModelShape M111 = ModelShape.withHeads(50257, 2048, 12, 12, 768, 3072);

    /**
     * Kernels that may run on fewer blocks than {@value #SMS}, and why: their small launches cover one vector of at
     * most 3,072 values (a LayerNorm's or a bias's parameters, moments or gradient) or the gradient norm's partial
     * sums, a few microseconds of work however the grid is shaped.
     */
    private static final Map<CudaKernel, String> SMALL_BY_DESIGN = Map.of(
            CudaKernel.ADAMW_UPDATE, "the LayerNorm and bias parameters: 768 to 3,072 values a tensor",
            CudaKernel.COLUMN_SUM_ACCUMULATE, "a bias gradient's second pass: 16 threads per column add 16 of the 256"
                    + " partials each (48 to 192 blocks of 256 threads)",
            CudaKernel.LAYERNORM_BACKWARD_PARAMS, "a LayerNorm's second pass: 16 threads per channel add 16 of the 256"
                    + " partials each (48 blocks of 256 threads)",
            CudaKernel.SUM_OF_SQUARES_PARTIALS, "the gradient norm of a LayerNorm or bias tensor: 16 values a thread",
            CudaKernel.SUM_OF_SQUARES_TOTAL, "the gradient norm's last pass: one block adds at most 1,024 partials");

    @ParameterizedTest(name = "{0}, unfused attention {1}")
    @CsvSource({"BF16, false", "FP32, false", "BF16, true", "FP16, true"})
    void everyLaunchOfA111mStepHasABlockPerSmOrIsSmallByDesign(OperandFormat operands, boolean unfused) {
        RecordingGpu gpu = new RecordingGpu();
        List<RecordingGpu.Launch> step;
        try (CudaBackend backend = new CudaBackend(gpu, "recording", false, true);
             TensorScope scope = backend.openScope()) {
            ModelPrecision precision = new ModelPrecision(operands, false);
            TrainableModel m = TrainingStep.model(backend, scope, M111, 8, 2048,
                    unfused ? precision.withUnfusedAttention() : precision);
            int[] tokens = TrainingStep.spreadTokens(M111, 8 * 2048);
            int before = gpu.launches().size();
            TrainingStep.run(m, tokens);
            // The recording device also launches the built-in GEMM for each SGEMM; with cuBLAS those are not launches.
            step = gpu.launches().subList(before, gpu.launches().size()).stream()
                    .filter(l -> l.kernel() != CudaKernel.GEMM_TILED).toList();
        }
        Map<String, Long> few = new TreeMap<>();
        for (RecordingGpu.Launch l : step) {
            long blocks = (long) l.geometry().gridX() * l.geometry().gridY();
            if (blocks < SMS && !SMALL_BY_DESIGN.containsKey(l.kernel())) {
                few.merge(l.kernel().entry() + " (" + blocks + " blocks)", 1L, Long::sum);
            }
        }
        assertTrue(few.isEmpty(), () -> "launches with fewer blocks than an H200's " + SMS + " SMs: " + few);
        // The gradient norm streams its large tensors (the embedding, 38.6 million values) on the most blocks.
        Set<Integer> normBlocks = step.stream().filter(l -> l.kernel() == CudaKernel.SUM_OF_SQUARES_PARTIALS)
                .map(l -> l.geometry().gridX()).collect(Collectors.toSet());
        assertEquals(CudaReductions.PARTIALS, normBlocks.stream().mapToInt(Integer::intValue).max().orElse(0),
                () -> "the gradient norm's first pass: " + normBlocks);
    }
}
