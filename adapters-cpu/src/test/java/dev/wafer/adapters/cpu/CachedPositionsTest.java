package dev.wafer.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/**
 * The CPU's prefill pass ({@link AttentionKernel#forwardCachedPositions}: keys and values first, then every (query,
 * head) pair dealt to the workers) gives the position-by-position {@code forwardCachedBatch} calls' outputs and caches
 * bit for bit, on the Vector API and scalar paths, from the first position and after earlier ones, with one sequence
 * (generation) and several (the audit), and with passes too small to be dealt to the workers.
 */
class CachedPositionsTest {
    private static final long SEED = 20261206_2L;
    private static final CpuBackend VECTOR = new CpuBackend(2, true, Bf16Gemm.EMULATED);
    private static final CpuBackend SCALAR = new CpuBackend(2, false, Bf16Gemm.EMULATED);

    @AfterAll
    static void close() {
        VECTOR.close();
        SCALAR.close();
    }

    @ParameterizedTest(name = "vector {0}, b {1}, pos {2}, k {3}, c {4}, nh {5}")
    @CsvSource({"true,1,0,37,96,12", "true,1,5,9,64,4", "true,3,2,6,24,3", "false,2,0,11,24,3", "true,1,4,1,8,1",
            "false,1,3,2,64,4",
            "true,1,3,7,128,2", "true,2,1,6,60,3", "true,1,10,2,64,1"})
    void aPassGivesThePositionByPositionResultsBitForBit(boolean vector, int b, int pos, int k, int c, int nh) {
        CpuBackend backend = vector ? VECTOR : SCALAR;
        long seed = SEED + 31L * pos + k;
        String what = (vector ? "vector" : "scalar") + " b " + b + " pos " + pos + " k " + k + " (seed " + seed + ")";
        SplittableRandom r = new SplittableRandom(seed);
        AttentionKernel kernel = backend.attention(OperandFormat.FP32, false);
        int maxT = pos + k + 1;
        float scale = (float) (1 / Math.sqrt((double) c / nh));
        float[] qkv = random(r, k * b * 3 * c);
        // The caches' rows before pos stand for earlier positions' keys and values.
        float[] keys = random(r, b * maxT * c);
        float[] values = random(r, b * maxT * c);
        try (TensorScope scope = backend.openScope()) {
            Tensor kAll = tensor(scope, keys);
            Tensor vAll = tensor(scope, values);
            Tensor kOne = tensor(scope, keys);
            Tensor vOne = tensor(scope, values);
            Tensor in = tensor(scope, qkv);
            Tensor outAll = scope.allocate((long) k * b * c);
            Tensor outOne = scope.allocate((long) k * b * c);

            kernel.forwardCachedPositions(outAll, in, kAll, vAll, b, maxT, pos, k, c, nh, scale);
            long rows = (long) b * c;
            for (int j = 0; j < k; j++) {
                kernel.forwardCachedBatch(outOne.slice(j * rows, rows), in.slice(3 * j * rows, 3 * rows), kOne, vOne, b,
                        maxT, pos + j, c, nh, scale);
            }
            assertBits(what + ": output", host(outOne), host(outAll));
            assertBits(what + ": keys", host(kOne), host(kAll));
            assertBits(what + ": values", host(vOne), host(vAll));
        }
    }

    private static void assertBits(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            int at = i;
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                    () -> what + " differs at " + at + ": " + expected[at] + " position by position, " + actual[at]
                            + " in one pass");
        }
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 3 - 1.5);
        }
        return a;
    }

    private static Tensor tensor(TensorScope scope, float[] values) {
        Tensor t = scope.allocate(values.length);
        t.copyFromHost(values);
        return t;
    }

    private static float[] host(Tensor t) {
        float[] a = new float[(int) t.length()];
        t.copyToHost(0, a, 0, a.length);
        return a;
    }
}
