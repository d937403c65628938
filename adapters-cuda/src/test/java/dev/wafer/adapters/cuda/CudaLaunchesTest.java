package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every kernel family of the backend driven on a {@link RecordingGpu}, without a device: each launch packs the
 * argument kinds its kernel declares (which {@link KernelSignatureTest} ties to the .cu source), its geometry
 * passes the limits and covers the work, every pointer lies inside a live allocation (the SGEMMs' whole operand
 * extents included), and all kernels are exercised.
 */
@HostOnly
class CudaLaunchesTest {
    private static final int B = 2;
    private static final int T = 5;
    private static final int C = 12;
    private static final int NH = 3;
    private static final int V = 37;
    private static final int OC = 4 * C;

    @Test
    void everyKernelIsLaunchedWithCheckedArgumentsAndPointers() {
        // The baseline kernels (WAFER_CUDA_KERNELS=baseline): thread-per-row attention, rounded float32 SGEMMs.
        RecordingGpu gpu = new RecordingGpu();
        CudaBackend backend = new CudaBackend(gpu, "recording", true);
        exercise(backend);
        // The fast kernels: batched cuBLAS attention with warp-per-row softmax, 16-bit GEMMs on tensor cores; here
        // with a cuBLASLt that has no bias-epilogue algorithm, so the biases are added by rows (add_bias_rows).
        RecordingGpu fastGpu = new RecordingGpu().withoutBiasEpilogue();
        CudaBackend fast = new CudaBackend(fastGpu, "recording");
        exercise(fast);
        // bf16 tensors (BF16_STORAGE, fast kernels only): the writers round into them, the readers take them as stored.
        RecordingGpu storageGpu = new RecordingGpu();
        try (CudaBackend storing = new CudaBackend(storageGpu, "recording")) {
            exerciseBf16Tensors(storing);
            exerciseFusedAttention(storing);
        }
        // Fused attention: a block of 128 threads per 64 rows of each (sequence, head); row dots one thread a row.
        for (RecordingGpu.Launch l : storageGpu.launches()) {
            if (l.kernel().entry().startsWith("flash_attention") && l.kernel() != CudaKernel.FLASH_ATTENTION_ROW_DOTS
                    && l.kernel() != CudaKernel.FLASH_ATTENTION_F32_ROW_DOTS) {
                assertEquals(new LaunchGeometry(2, B * 2, CudaKernel.FLASH_BLOCK, 1, 0), l.geometry(),
                        l.kernel().entry() + ": T = 70 is two tiles of 64, B x NH = " + B * 2 + " heads");
            }
        }
        assertEquals(List.of(CudaKernel.FLASH_ATTENTION_FORWARD_64, CudaKernel.FLASH_ATTENTION_ROW_DOTS,
                CudaKernel.FLASH_ATTENTION_BACKWARD_KEYS_64, CudaKernel.FLASH_ATTENTION_BACKWARD_QUERIES_64,
                CudaKernel.FLASH_ATTENTION_FORWARD_128, CudaKernel.FLASH_ATTENTION_ROW_DOTS,
                CudaKernel.FLASH_ATTENTION_BACKWARD_KEYS_128, CudaKernel.FLASH_ATTENTION_BACKWARD_QUERIES_128,
                CudaKernel.FLASH_ATTENTION_F32_FORWARD, CudaKernel.FLASH_ATTENTION_F32_ROW_DOTS,
                CudaKernel.FLASH_ATTENTION_F32_BACKWARD_KEYS, CudaKernel.FLASH_ATTENTION_F32_BACKWARD_QUERIES),
                storageGpu.launches().stream().map(RecordingGpu.Launch::kernel)
                        .filter(k -> k.entry().startsWith("flash_attention")).toList(),
                "heads of 16 on the narrow kernels, heads of 80 on the wide ones, float32 heads of 64 on the float32"
                        + " ones; no GEMM, no T x T buffer");
        // bf16 tensors again where cuBLASLt has no bias-epilogue algorithm: the bf16 output's bias by add_bias_bf16.
        RecordingGpu storageKernelsGpu = new RecordingGpu().withoutBiasEpilogue();
        try (CudaBackend storing = new CudaBackend(storageKernelsGpu, "recording")) {
            exerciseBf16Tensors(storing);
        }
        assertTrue(storageKernelsGpu.launches().stream().anyMatch(l -> l.kernel() == CudaKernel.ADD_BIAS_BF16)
                && storageGpu.launches().stream().noneMatch(l -> l.kernel() == CudaKernel.ADD_BIAS_BF16),
                "a bf16 output's bias: in the epilogue (then rounded), else by add_bias_bf16");
        Set<CudaKernel> launched = java.util.stream.Stream.of(gpu, fastGpu, storageGpu, storageKernelsGpu)
                .flatMap(g -> g.launches().stream())
                .map(RecordingGpu.Launch::kernel)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(CudaKernel.class)));
        assertEquals(EnumSet.allOf(CudaKernel.class), launched, "kernels launched by the families, both variants");
        // With an algorithm for every shape, the float32 outputs' biases go into their products' epilogue.
        RecordingGpu epilogueGpu = new RecordingGpu();
        exercise(new CudaBackend(epilogueGpu, "recording"));
        assertTrue(fastGpu.biasGemms().isEmpty() && !epilogueGpu.biasGemms().isEmpty(),
                "the bias epilogue where cuBLASLt has an algorithm, the bias kernel where not");
        assertTrue(epilogueGpu.launches().stream().noneMatch(l -> l.kernel() == CudaKernel.ADD_BIAS_ROWS
                        || l.kernel() == CudaKernel.ADD_BIAS), "no bias kernel for a float32 output");
        assertEquals(5, fastGpu.gemms().size(), "fast: only the float32 linear layers run SGEMMs");
        assertEquals(2 * 2 * 3, fastGpu.gemms16().size(),
                "fast: forward, dinp and dW on 16-bit operands, bf16 and fp16, for the MLP layer and the LM head");
        long headGradientProducts = fastGpu.gemms16().stream()
                .filter(g -> !g.transA() && (g.k() == V || g.n() == V))  // dinp (k = V) and dW (n = V)
                .peek(g -> assertEquals(40, g.ldb(), "the head's 37-column gradient in 16-byte aligned rows: " + g))
                .count();
        assertEquals(2 * 2, headGradientProducts, "the head's dinp and dW, bf16 and fp16");
        assertEquals(6 * B * FastCudaAttention.chunks(T) * 5, fastGpu.batched().size(),
                "fast: six batched products a sequence and causal block, five attentions");
        for (BatchedGemm g : fastGpu.batched()) {
            assertEquals(NH, g.count(), "one product per head");
        }
        // The fast attention works one sequence at a time: each row kernel is launched once per sequence.
        assertEquals(perSequence(0, 1, 1, 2, 2), fastGpu.launches().stream()
                .filter(l -> l.kernel() == CudaKernel.ATTENTION_SOFTMAX_ROWS).map(l -> l.format()).toList(),
                "fast: fp32, then bf16 twice, fp16 twice");
        assertEquals(perSequence(0, 0, 0), fastGpu.launches().stream()
                .filter(l -> l.kernel() == CudaKernel.ATTENTION_SOFTMAX_BACKWARD_ROWS).map(l -> l.format()).toList(),
                "fast: float32 score gradients in place (fp32, and bf16 and fp16 when asked for)");
        assertEquals(perSequence(1, 2), fastGpu.launches().stream()
                .filter(l -> l.kernel() == CudaKernel.ATTENTION_SOFTMAX_BACKWARD_ROWS_PACKED).map(l -> l.format())
                .toList(), "fast: 16-bit score gradients written packed, bf16 then fp16");
        for (RecordingGpu.Launch l : fastGpu.launches()) {
            if (l.kernel().entry().startsWith("attention_softmax")) {
                long warps = l.geometry().threads() / 32;
                assertTrue(warps >= NH * T && warps < (long) B * NH * T, "a warp per row of one sequence: " + warps);
            }
        }
        assertTrue(fast.description().endsWith("fast kernels, bias none (refused)")
                && backend.description().endsWith("baseline kernels"), fast.description());
        fast.close();
        assertEquals(5 + 2 * 2 * 3, gpu.gemms().size(),
                "two forward SGEMMs; dinp and dW, then dW alone; then bf16, fp16 for the MLP layer and the LM head");
        List<Integer> probabilityRounding = gpu.launches().stream()
                .filter(l -> l.kernel() == CudaKernel.ATTENTION_SOFTMAX).map(l -> l.format()).toList();
        assertEquals(List.of(0, 1, 1, 2, 2), probabilityRounding, "fp32, then bf16 twice, fp16 twice");
        List<Integer> scoreRounding = gpu.launches().stream()
                .filter(l -> l.kernel() == CudaKernel.ATTENTION_SCORE_GRADIENT).map(l -> l.format()).toList();
        assertEquals(List.of(0, 1, 0, 2, 0), scoreRounding, "16-bit score gradients unless fp32 ones are asked for");
        for (RecordingGpu.Launch l : gpu.launches()) {
            assertEquals(l.kernel().params(), l.kinds(), l.kernel().entry());
        }
        backend.close();
        assertTrue(gpu.closed());
        assertEquals(1 + Gpu.SCRATCH_SLOTS - 4, gpu.liveAllocations(),
                "scope memory freed; ids and every scratch buffer but the fast kernels' four stay until close");
    }

    /** Each of {@code formats} repeated once per sequence of the batch, in order. */
    private static List<Integer> perSequence(int... formats) {
        List<Integer> all = new java.util.ArrayList<>();
        for (int f : formats) {
            for (int s = 0; s < B; s++) {
                all.add(f);
            }
        }
        return all;
    }

    /** The fused forms on heads of 16 and of 80 (both kernel widths), T = 70 (two tiles of 64). */
    private static void exerciseFusedAttention(CudaBackend backend) {
        AttentionKernel k = backend.attention(OperandFormat.BF16, false);
        int t = 70;
        int nh = 2;
        try (TensorScope s = backend.openScope()) {
            for (int c : new int[] {32, 160}) {
                long n = (long) B * t;
                Tensor qkv = s.allocate(3 * n * c, OperandFormat.BF16);
                Tensor out = s.allocate(n * c, OperandFormat.BF16);
                Tensor lse = s.allocate((long) B * nh * t);
                k.forwardSavingLogSumExp(out, lse, qkv, B, t, c, nh, 0.25f);
                k.backwardFromLogSumExp(s.allocate(3 * n * c), s.allocate(n * c), qkv, out, lse, B, t, c, nh, 0.25f);
            }
            // The float32 fused attention (FUSED_ATTENTION_FP32): heads of 64, the widest it takes.
            AttentionKernel f32 = backend.attention();
            long n = (long) B * t;
            int c = 128;
            Tensor qkv = s.allocate(3 * n * c);
            Tensor out = s.allocate(n * c);
            Tensor lse = s.allocate((long) B * nh * t);
            f32.forwardSavingLogSumExp(out, lse, qkv, B, t, c, nh, 0.125f);
            f32.backwardFromLogSumExp(s.allocate(3 * n * c), s.allocate(n * c), qkv, out, lse, B, t, c, nh, 0.125f);
        }
    }

    private static void exerciseBf16Tensors(CudaBackend backend) {
        int n = B * T;
        try (TensorScope s = backend.openScope()) {
            Tensor x = s.allocate((long) n * C);
            Tensor mean = s.allocate(n);
            Tensor rstd = s.allocate(n);
            Tensor w = s.allocate(OC * C);
            Tensor x16 = s.allocate((long) n * C, OperandFormat.BF16);
            Tensor h16 = s.allocate((long) n * OC, OperandFormat.BF16);
            Tensor h = s.allocate((long) n * OC);
            backend.layerNorm().forward(x16, mean, rstd, x, w.slice(0, C), w.slice(C, C), n, C);
            backend.gelu().forward(h16, h, n * OC);
            MatmulKernel bf16 = backend.matmul(OperandFormat.BF16);
            bf16.forward(h16, x16, w, null, n, C, OC);
            bf16.forward(h16, x16, w, s.allocate(OC), n, C, OC); // the bias add rounds into h16 directly
            bf16.backward(x, w, null, h, x16, w, n, C, OC);
            Tensor qkv16 = s.allocate(3L * n * C, OperandFormat.BF16);
            Tensor att16 = s.allocate((long) B * NH * T * T, OperandFormat.BF16);
            for (boolean fp32Scores : List.of(false, true)) {
                backend.attention(OperandFormat.BF16, fp32Scores).forward(x16, att16, qkv16, B, T, C, NH, 0.5f);
                backend.attention(OperandFormat.BF16, fp32Scores).backward(s.allocate(3L * n * C), x, qkv16, att16, B, T, C, NH, 0.5f);
            }
        }
    }

    private static void exercise(CudaBackend backend) {
        int n = B * T;
        int[] tokens = {0, 1, 2, 3, 36, 5, 6, 7, 8, 9};
        try (TensorScope s = backend.openScope()) {
            Tensor wte = s.allocate((long) V * C);
            Tensor wpe = s.allocate((long) T * C);
            Tensor x = s.allocate((long) n * C);
            Tensor y = s.allocate((long) n * C);
            Tensor mean = s.allocate(n);
            Tensor rstd = s.allocate(n);
            Tensor w = s.allocate(C);
            Tensor bias = s.allocate(C);
            backend.encoder().forward(x, tokens, wte, wpe, B, T, C, 1f);
            backend.encoder().backward(wte, wpe, x, tokens, B, T, C, 1f);
            backend.layerNorm().forward(y, mean, rstd, x, w, bias, n, C);
            backend.layerNorm().backward(x, w, bias, y, x, w, mean, rstd, n, C);

            Tensor fcw = s.allocate((long) OC * C);
            Tensor fcb = s.allocate(OC);
            Tensor h = s.allocate((long) n * OC);
            backend.matmul().forward(h, x, fcw, fcb, n, C, OC);
            backend.matmul().forward(h, x, fcw, null, n, C, OC);
            backend.matmul().backward(x, fcw, fcb, h, x, fcw, n, C, OC);
            backend.matmul().backward(null, fcw, null, h, x, fcw, n, C, OC);
            backend.gelu().forward(h, h, n * OC);
            backend.gelu().backward(h, h, h, n * OC);
            backend.residual().forward(x, x, y, n * C);
            backend.residual().backward(x, y, h.slice(0, (long) n * C), n * C);

            Tensor qkv = s.allocate(3L * n * C);
            Tensor att = s.allocate((long) B * NH * T * T);
            backend.attention().forward(y, att, qkv, B, T, C, NH, 0.5f);
            backend.attention().backward(qkv, y, qkv, att, B, T, C, NH, 0.5f);
            Tensor k = s.allocate((long) T * C);
            Tensor v = s.allocate((long) T * C);
            backend.attention().forwardCached(y.slice(0, C), qkv.slice(0, 3L * C), k, v, T - 1, C, NH, 0.5f);
            backend.attention().forwardAfterPrefix(y, qkv, qkv, new int[] {0, 3}, new int[] {2, 2}, B, T, C, NH,
                    0.5f);
            // A pass of two positions of one sequence, after position 1, into caches of T rows.
            backend.attention().forwardCachedPositions(y.slice(0, 2L * C), qkv.slice(0, 6L * C), k, v, 1, T, 1, 2, C,
                    NH, 0.5f);

            for (OperandFormat f : List.of(OperandFormat.BF16, OperandFormat.FP16)) {
                backend.matmul(f).forward(h, x, fcw, fcb, n, C, OC);
                backend.matmul(f).backward(x, fcw, fcb, h, x, fcw, n, C, OC);
                for (boolean fp32Scores : List.of(false, true)) {
                    backend.attention(f, fp32Scores).forward(y, att, qkv, B, T, C, NH, 0.5f);
                    backend.attention(f, fp32Scores).backward(qkv, y, qkv, att, B, T, C, NH, 0.5f);
                }
            }
            Tensor logits = s.allocate((long) n * V);
            Tensor losses = s.allocate(n);
            backend.crossEntropy().forward(losses, logits, logits, tokens, n, V, 1f);
            backend.crossEntropy().backward(logits, logits, tokens, n, V, 1f, 1f / n);
            backend.crossEntropy().forwardAndBackward(losses, logits, logits, tokens, n, V, 1f, 1f / n);
            for (OperandFormat f : List.of(OperandFormat.BF16, OperandFormat.FP16)) {
                // the LM head: its 37-column output gradient is packed in rows of 40 (16-byte aligned)
                backend.matmul(f).forward(logits, x, wte, null, n, C, V);
                backend.matmul(f).backward(x, wte, null, logits, x, wte, n, C, V);
            }
            Tensor m = s.allocate((long) OC * C);
            backend.adamW().update(fcw, fcw, m, m, OC * C, 1e-3f,
                    0.9f, 0.95f, 1e-8f, 0.1f, 3);
            assertEquals(0.0, backend.reductions().sumOfSquares(x, n * C));
            backend.reductions().scale(x, n * C, 0.5f);
            backend.reductions().fill(x, n * C, 0f);
        }
    }

    /** The fast attention's T x T scratch buffers hold one sequence's matrices, not the micro-batch's. */
    @Test
    void theFastAttentionsScratchHoldsOneSequence() {
        RecordingGpu gpu = new RecordingGpu();
        int b = 4;
        int t = 16;
        int n = b * t;
        try (CudaBackend backend = new CudaBackend(gpu, "recording"); TensorScope s = backend.openScope()) {
            Tensor qkv = s.allocate(3L * n * C, OperandFormat.BF16);
            Tensor att = s.allocate((long) b * NH * t * t, OperandFormat.BF16);
            Tensor att32 = s.allocate((long) b * NH * t * t);
            Tensor out = s.allocate((long) n * C);
            Tensor dqkv = s.allocate(3L * n * C);
            for (OperandFormat storage : List.of(OperandFormat.BF16, OperandFormat.FP32)) {
                Tensor a = storage == OperandFormat.BF16 ? att : att32;
                backend.attention(OperandFormat.BF16, false).forward(out, a, qkv, b, t, C, NH, 0.5f);
                backend.attention(OperandFormat.BF16, false).backward(dqkv, out, qkv, a, b, t, C, NH, 0.5f);
                backend.attention(OperandFormat.BF16, true).backward(dqkv, out, qkv, a, b, t, C, NH, 0.5f);
            }
        }
        long oneSequence = (long) NH * t * t;
        assertEquals(4 * oneSequence, gpu.scratchBytes(CudaAttention.SCORE_GRADIENT_SLOT), "float32 scores");
        assertEquals(2 * oneSequence, gpu.scratchBytes(FastCudaAttention.PACKED_SCORES_SLOT), "16-bit scores");
    }

    /** The gradient norm's sums of every tensor come back in one copy, not one per tensor. */
    @Test
    void theSumsOfManyTensorsCostOneDownload() {
        RecordingGpu gpu = new RecordingGpu();
        try (CudaBackend backend = new CudaBackend(gpu, "recording"); TensorScope s = backend.openScope()) {
            int[] counts = {7, 0, 300, 1, 64};
            Tensor[] tensors = new Tensor[counts.length];
            for (int i = 0; i < counts.length; i++) {
                tensors[i] = s.allocate(Math.max(counts[i], 1) + 5L);
            }
            int before = gpu.downloads();
            double[] sums = new double[counts.length];
            backend.reductions().sumsOfSquares(tensors, counts, sums);
            assertEquals(1, gpu.downloads() - before, "one device-to-host copy for all five sums");
            assertEquals(2 * 4, gpu.launches().stream().filter(l -> l.kernel() == CudaKernel.SUM_OF_SQUARES_PARTIALS
                    || l.kernel() == CudaKernel.SUM_OF_SQUARES_TOTAL).count(), "two launches per non-empty tensor");
            assertThrows(IllegalArgumentException.class,
                    () -> backend.reductions().sumsOfSquares(tensors, new int[] {1}, sums));
        }
    }

    @Test
    void launchesCoverTheirWork() {
        RecordingGpu gpu = new RecordingGpu();
        CudaBackend backend = new CudaBackend(gpu, "recording");
        int n = 1000;
        try (TensorScope s = backend.openScope()) {
            Tensor x = s.allocate(n * 3L);
            Tensor mean = s.allocate(n);
            Tensor w = s.allocate(3);
            backend.layerNorm().forward(x, mean, mean, x, w, w, n, 3);
            backend.gelu().forward(x, x, n * 3);
            backend.crossEntropy().forward(mean, x, x, new int[n], n, 3, 1f);
        }
        var launches = gpu.launches();
        assertTrue(launches.get(0).geometry().threads() >= 32L * n, "a warp per LayerNorm row");
        assertTrue(launches.get(1).geometry().threads() >= 3L * n, "a thread per GELU element");
        assertEquals(n, launches.get(2).geometry().gridX(), "a block per cross-entropy row");
        assertEquals(CudaKernel.CROSS_ENTROPY_BLOCK, launches.get(2).geometry().blockX());
    }

    @Test
    void foreignAndClosedTensorsAndBadIdsAreRefusedBeforeAnyLaunch() {
        RecordingGpu gpu = new RecordingGpu();
        CudaBackend backend = new CudaBackend(gpu, "recording");
        CudaBackend other = new CudaBackend(new RecordingGpu(), "other");
        TensorScope s = backend.openScope();
        Tensor x = s.allocate(8);
        Tensor foreign = other.openScope().allocate(8);
        assertThrows(IllegalArgumentException.class, () -> backend.gelu().forward(x, foreign, 8));
        assertThrows(IllegalArgumentException.class, () -> backend.gelu().forward(x, x, 9));
        Tensor table = s.allocate(4 * 2);
        assertThrows(IllegalArgumentException.class,
                () -> backend.encoder().forward(x, new int[] {0, 4}, table, table, 1, 2, 2, 1f));
        assertThrows(IllegalArgumentException.class,
                () -> backend.attention().forward(x, x, x, 1, 1, 5, 2, 1f));
        s.close();
        assertThrows(IllegalStateException.class, () -> backend.gelu().forward(x, x, 8));
        assertTrue(gpu.launches().isEmpty(), "nothing launched");
    }
}
