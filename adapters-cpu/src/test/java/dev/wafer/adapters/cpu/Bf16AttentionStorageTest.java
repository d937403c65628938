package dev.wafer.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/**
 * The bf16 attention saves its probabilities already rounded to bf16, so a bf16 {@code att} holds exactly them, and
 * it rounds Q, K, V to bf16 on entry, so a bf16 {@code qkv} (the float32 values rounded once) gives it the same
 * operands: the forward's output and the widened probabilities, and the backward's {@code dqkv}, are bit for bit
 * those of float32 {@code att} and {@code qkv}, on the Vector API path and the scalar one, with and without float32
 * score gradients, for sequence lengths that fill the tiles and ones that do not. Other attention kernels refuse a
 * bf16 {@code att} or {@code qkv}.
 */
class Bf16AttentionStorageTest {
    private static final long SEED = 20261205_16L;
    private static final CpuBackend VECTOR = new CpuBackend(2, true, Bf16Gemm.EMULATED);
    private static final CpuBackend SCALAR = new CpuBackend(2, false, Bf16Gemm.EMULATED);

    @AfterAll
    static void close() {
        VECTOR.close();
        SCALAR.close();
    }

    private static Tensor random(TensorScope scope, SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        Tensor t = scope.allocate(n);
        t.copyFromHost(a);
        return t;
    }

    @ParameterizedTest(name = "vector {0}, t {1}, fp32 score grads {2}")
    @CsvSource({"true,7,false", "true,37,false", "true,64,true", "false,7,false", "false,37,true"})
    void bf16ProbabilitiesGiveTheFloat32StorageResultsBitForBit(boolean vector, int t, boolean fp32Scores) {
        CpuBackend backend = vector ? VECTOR : SCALAR;
        int b = 2;
        int c = 24;
        int nh = 3;
        long seed = SEED + t;
        String what = (vector ? "vector" : "scalar") + " t " + t + " (seed " + seed + ")";
        SplittableRandom r = new SplittableRandom(seed);
        AttentionKernel kernel = backend.attention(OperandFormat.BF16, fp32Scores);
        try (TensorScope scope = backend.openScope()) {
            Tensor qkv = random(scope, r, b * t * 3 * c, 2);
            Tensor qkv16 = scope.allocate(b * t * 3 * c, OperandFormat.BF16);
            qkv16.copyFromHost(qkv.toHost()); // rounded to nearest even on the way in
            Tensor dout = random(scope, r, b * t * c, 1);
            long na = (long) b * nh * t * t;
            Tensor att32 = scope.allocate(na);
            Tensor att16 = scope.allocate(na, OperandFormat.BF16);
            Tensor out32 = scope.allocate(b * t * c);
            Tensor out16 = scope.allocate(b * t * c);
            kernel.forward(out32, att32, qkv, b, t, c, nh, 0.35f);
            kernel.forward(out16, att16, qkv16, b, t, c, nh, 0.35f);
            assertArrayEquals(out32.toHost(), out16.toHost(), "output, " + what);
            float[] p = att32.toHost();
            assertArrayEquals(p, att16.toHost(), "probabilities, " + what);
            for (float v : p) { // the premise: the kernel's probabilities are bf16 values
                assertEquals(OperandFormat.BF16.round(v), v, what);
            }
            Tensor d32 = scope.allocate(b * t * 3 * c);
            Tensor d16 = scope.allocate(b * t * 3 * c);
            kernel.backward(d32, dout, qkv, att32, b, t, c, nh, 0.35f);
            kernel.backward(d16, dout, qkv16, att16, b, t, c, nh, 0.35f);
            assertArrayEquals(d32.toHost(), d16.toHost(), "dqkv, " + what);
        }
    }

    @Test
    void kernelsThatKeepFloat32OrFp16ProbabilitiesRefuseABf16AttOrQkv() {
        for (CpuBackend backend : new CpuBackend[] {VECTOR, SCALAR}) {
            try (TensorScope scope = backend.openScope()) {
                Tensor qkv = scope.allocate(4 * 3 * 8);
                Tensor out = scope.allocate(4 * 8);
                Tensor att16 = scope.allocate(2 * 4 * 4, OperandFormat.BF16);
                Tensor att = scope.allocate(2 * 4 * 4);
                Tensor qkv16 = scope.allocate(4 * 3 * 8, OperandFormat.BF16);
                AttentionKernel[] kernels = {backend.attention(), backend.attention(OperandFormat.FP16, false)};
                for (AttentionKernel k : kernels) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> k.forward(out, att16, qkv, 1, 4, 8, 2, 0.5f));
                    assertTrue(e.getMessage().startsWith("att:") && e.getMessage().contains("bf16"), e.getMessage());
                    assertThrows(IllegalArgumentException.class,
                            () -> k.backward(qkv, out, qkv, att16, 1, 4, 8, 2, 0.5f));
                    e = assertThrows(IllegalArgumentException.class,
                            () -> k.forward(out, att, qkv16, 1, 4, 8, 2, 0.5f));
                    assertTrue(e.getMessage().startsWith("qkv:") && e.getMessage().contains("bf16"), e.getMessage());
                    assertThrows(IllegalArgumentException.class,
                            () -> k.backward(qkv, out, qkv16, att, 1, 4, 8, 2, 0.5f));
                }
            }
        }
    }
}
