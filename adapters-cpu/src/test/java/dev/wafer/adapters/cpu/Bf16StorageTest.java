package dev.wafer.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/**
 * bf16 tensors on the CPU backend ({@code Capability.BF16_STORAGE}): the kernels that write them give, bit for bit,
 * their float32 result rounded to nearest even; the bf16 linear layer given one computes, bit for bit, what it
 * computes on a float32 input holding the same values (it rounds a float32 input to exactly those values); every
 * other kernel argument refuses one with a message that says so. Seeded; the seed is in every failure message.
 * What holds for every backend with bf16 storage (host copies, the writers and readers, the refusals) is checked on
 * the default CPU backend by the conformance suite's {@code Bf16StorageContract} ({@code CpuBackendContractTest},
 * {@code ScalarCpuBackendContractTest}); this class keeps the CPU's own paths: the emulated bf16 GEMM, GELU's
 * chunks and the LM head's blocked backward.
 */
class Bf16StorageTest {
    private static final long SEED = 20261205L;
    private static final CpuBackend ONEDNN = new CpuBackend(2, true, Bf16Gemm.AUTO);
    private static final CpuBackend EMULATED = new CpuBackend(2, true, Bf16Gemm.EMULATED);

    @AfterAll
    static void close() {
        ONEDNN.close();
        EMULATED.close();
    }

    private static float[] randoms(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    private static float[] rounded(float[] a) {
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = OperandFormat.BF16.round(a[i]);
        }
        return b;
    }

    private static Tensor tensor(TensorScope scope, float[] values, OperandFormat format) {
        Tensor t = scope.allocate(values.length, format);
        t.copyFromHost(values);
        return t;
    }

    /** The emulated bf16 GEMM's writers (the default one's are the contract's). */
    @Test
    void writersGiveTheirFloat32ResultRoundedOnce() {
        CpuBackend backend = EMULATED;
        Bf16Gemm which = Bf16Gemm.EMULATED;
        SplittableRandom r = new SplittableRandom(SEED + 1);
        int b = 2;
        int t = 7;
        int c = 24;
        int nh = 3;
        int n = b * t;
        String what = which + " (seed " + (SEED + 1) + ")";
        try (TensorScope scope = backend.openScope()) {
            // LayerNorm forward.
            Tensor x = tensor(scope, randoms(r, n * c, 3), OperandFormat.FP32);
            Tensor w = tensor(scope, randoms(r, c, 1.5), OperandFormat.FP32);
            Tensor bias = tensor(scope, randoms(r, c, 0.5), OperandFormat.FP32);
            Tensor out32 = scope.allocate(n * c);
            Tensor out16 = scope.allocate(n * c, OperandFormat.BF16);
            Tensor mean = scope.allocate(n);
            Tensor rstd = scope.allocate(n);
            Tensor mean16 = scope.allocate(n);
            Tensor rstd16 = scope.allocate(n);
            backend.layerNorm().forward(out32, mean, rstd, x, w, bias, n, c);
            backend.layerNorm().forward(out16, mean16, rstd16, x, w, bias, n, c);
            assertArrayEquals(rounded(out32.toHost()), out16.toHost(), "layer norm, " + what);
            assertArrayEquals(mean.toHost(), mean16.toHost(), what);
            assertArrayEquals(rstd.toHost(), rstd16.toHost(), what);
            // GELU forward.
            Tensor gin = tensor(scope, randoms(r, n * 4 * c, 4), OperandFormat.FP32);
            Tensor g32 = scope.allocate(n * 4 * c);
            Tensor g16 = scope.allocate(n * 4 * c, OperandFormat.BF16);
            backend.gelu().forward(g32, gin, n * 4 * c);
            backend.gelu().forward(g16, gin, n * 4 * c);
            assertArrayEquals(rounded(g32.toHost()), g16.toHost(), "gelu, " + what);
            // The bf16 matmul's forward (the QKV projection), from a float32 and a bf16 input.
            Tensor wq = tensor(scope, randoms(r, 3 * c * c, 0.3), OperandFormat.FP32);
            Tensor bq = tensor(scope, randoms(r, 3 * c, 0.5), OperandFormat.FP32);
            for (Tensor in : new Tensor[] {x, out16}) {
                Tensor q32 = scope.allocate(n * 3 * c);
                Tensor q16 = scope.allocate(n * 3 * c, OperandFormat.BF16);
                backend.matmul(OperandFormat.BF16).forward(q32, in, wq, bq, n, c, 3 * c);
                backend.matmul(OperandFormat.BF16).forward(q16, in, wq, bq, n, c, 3 * c);
                assertArrayEquals(rounded(q32.toHost()), q16.toHost(), "bf16 matmul " + in.format() + ", " + what);
            }
            // Attention forward, float32 and bf16 operands.
            Tensor qkv = tensor(scope, randoms(r, n * 3 * c, 1), OperandFormat.FP32);
            for (OperandFormat operands : new OperandFormat[] {OperandFormat.FP32, OperandFormat.BF16}) {
                Tensor a32 = scope.allocate(n * c);
                Tensor a16 = scope.allocate(n * c, OperandFormat.BF16);
                Tensor att32 = scope.allocate((long) b * nh * t * t);
                Tensor att16 = scope.allocate((long) b * nh * t * t);
                backend.attention(operands, false).forward(a32, att32, qkv, b, t, c, nh, 0.3f);
                backend.attention(operands, false).forward(a16, att16, qkv, b, t, c, nh, 0.3f);
                assertArrayEquals(rounded(a32.toHost()), a16.toHost(), "attention " + operands + ", " + what);
                assertArrayEquals(att32.toHost(), att16.toHost(), "probabilities " + operands + ", " + what);
            }
        }
    }

    /** GELU into bf16 runs in chunks of its scratch: a partial last chunk, and an offset view as the output. */
    @Test
    void geluIntoBf16AcrossSeveralChunks() {
        int n = 2 * Bf16OutputGelu.CHUNK + 37;
        SplittableRandom r = new SplittableRandom(SEED + 3);
        try (TensorScope scope = ONEDNN.openScope()) {
            Tensor in = tensor(scope, randoms(r, n, 5), OperandFormat.FP32);
            Tensor out32 = scope.allocate(n);
            Tensor out16 = scope.allocate(n + 11, OperandFormat.BF16);
            ONEDNN.gelu().forward(out32, in, n);
            ONEDNN.gelu().forward(out16.slice(11, n), in, n);
            float[] expected = rounded(out32.toHost());
            float[] got = new float[n];
            out16.copyToHost(11, got, 0, n);
            assertArrayEquals(expected, got, "seed " + (SEED + 3));
            float[] head = new float[11];
            out16.copyToHost(0, head, 0, 11);
            assertArrayEquals(new float[11], head, "nothing written before the view");
        }
    }

    /** The emulated bf16 GEMM's linear layer (the default one's is the contract's). */
    @Test
    void theBf16LinearLayerUsesABf16InputAsItWouldHaveRoundedIt() {
        checkLinearLayer(EMULATED.matmul(OperandFormat.BF16), EMULATED, Bf16Gemm.EMULATED.toString());
    }

    /** Column blocks of the output gradient (the LM head's path; 8 of its 20 columns at a time) take the bf16 input
     * as stored: same bits. */
    @Test
    void theBlockedBackwardTakesABf16InputAsStored() {
        OneDnn.Loaded loaded = OneDnn.load();
        assumeTrue(loaded.library().isPresent(), loaded.reason());
        Parallel parallel = new Parallel(2);
        try (parallel) {
            OneDnnMatmul blocked = new OneDnnMatmul(new OneDnnBf16Gemm(loaded.library().get(), parallel, true),
                    new CpuMatmul(new ScalarSgemm(parallel), parallel), 16 * 20);
            checkLinearLayer(blocked, ONEDNN, "blocks of 8 columns");
        }
    }

    private static void checkLinearLayer(MatmulKernel kernel, CpuBackend backend, String label) {
        SplittableRandom r = new SplittableRandom(SEED + 2);
        int n = 37;
        int c = 40;
        int oc = 20;
        String what = label + " (seed " + (SEED + 2) + ")";
        try (TensorScope scope = backend.openScope()) {
            float[] xv = rounded(randoms(r, n * c, 2));
            Tensor x32 = tensor(scope, xv, OperandFormat.FP32);
            Tensor x16 = tensor(scope, xv, OperandFormat.BF16);
            Tensor w = tensor(scope, randoms(r, oc * c, 0.5), OperandFormat.FP32);
            Tensor bias = tensor(scope, randoms(r, oc, 0.1), OperandFormat.FP32);
            Tensor g = tensor(scope, randoms(r, n * oc, 1), OperandFormat.FP32);
            float[][] results = new float[2][];
            for (int k = 0; k < 2; k++) {
                Tensor x = k == 0 ? x32 : x16;
                Tensor out = scope.allocate(n * oc);
                Tensor dx = scope.allocate(n * c);
                Tensor dw = scope.allocate(oc * c);
                Tensor db = scope.allocate(oc);
                kernel.forward(out, x, w, bias, n, c, oc);
                kernel.backward(dx, dw, db, g, x, w, n, c, oc);
                kernel.backward(null, dw, db, g, x, w, n, c, oc); // accumulates; no input gradient
                results[k] = concat(out.toHost(), dx.toHost(), dw.toHost(), db.toHost());
            }
            assertArrayEquals(results[0], results[1], what);
        }
    }

    private static float[] concat(float[]... parts) {
        int len = 0;
        for (float[] p : parts) {
            len += p.length;
        }
        float[] all = new float[len];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void theEmulatedFp16MatmulRefusesABf16InputClearly() {
        try (TensorScope scope = EMULATED.openScope()) {
            Tensor a16 = scope.allocate(64, OperandFormat.BF16);
            Tensor a = scope.allocate(64);
            Tensor w = scope.allocate(64);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EMULATED.matmul(OperandFormat.FP16).forward(a, a16, w, null, 8, 8, 8));
            assertTrue(e.getMessage().contains("bf16"), e.getMessage());
        }
    }
}
