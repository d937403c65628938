package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.conformance.support.Check;
import dev.wafer.conformance.tolerance.Tolerances;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The 16-bit linear layer's backward in blocks of output-gradient rows ({@link TensorCoreMatmul#blockRows}, the LM
 * head's case) computes what it computes in one block: the input gradient bit for bit (each row is one block's
 * product over the whole output width), the weight gradient to float32-accumulation accuracy (the blocks' products
 * are added into it one after another), the bias gradient bit for bit; and no more than the block's rows are packed.
 * On the simulated GPU; seeded.
 */
@HostOnly
class TensorCoreMatmulBlocksTest {
    private static final long SEED = 20261205L;

    @Test
    void theBackwardInBlocksOfRowsMatchesOneBlock() {
        int n = 133; // three chunks of the bias gradient's column sums: 64, 64, 5 rows
        int c = 16;
        int oc = 40;
        long maxPacked = 5L * oc; // blocks of 5 rows: 26 of them, then 3
        SimulatedGpu gpu = new SimulatedGpu(SimulatedDevice.simulator(), false);
        try (CudaBackend backend = new CudaBackend(gpu, "simulated"); TensorScope scope = backend.openScope()) {
            CudaMatmul fp32 = new CudaMatmul(gpu);
            TensorCoreMatmul whole = new TensorCoreMatmul(gpu, fp32, OperandFormat.BF16, Long.MAX_VALUE);
            TensorCoreMatmul blocked = new TensorCoreMatmul(gpu, fp32, OperandFormat.BF16, maxPacked);
            assertTrue(whole.blockRows(oc) >= n, "one block without a limit");
            assertEquals(5, blocked.blockRows(oc));
            SplittableRandom r = new SplittableRandom(SEED);
            float[] xv = random(r, n * c);
            Tensor w = upload(scope, random(r, oc * c), OperandFormat.FP32);
            Tensor g = upload(scope, random(r, n * oc), OperandFormat.FP32);
            float[][][] results = new float[2][][];
            for (OperandFormat storage : new OperandFormat[] {OperandFormat.FP32, OperandFormat.BF16}) {
                Tensor x = upload(scope, xv, storage);
                int k = 0;
                for (TensorCoreMatmul m : new TensorCoreMatmul[] {blocked, whole}) {
                    Tensor dx = scope.allocate((long) n * c);
                    Tensor dw = upload(scope, random(new SplittableRandom(SEED + 1), oc * c), OperandFormat.FP32);
                    Tensor db = scope.allocate(oc);
                    m.backward(dx, dw, db, g, x, w, n, c, oc);
                    m.backward(null, dw, db, g, x, w, n, c, oc); // accumulates, without an input gradient
                    results[k++] = new float[][] {dx.toHost(), dw.toHost(), db.toHost()};
                    if (m == blocked && storage == OperandFormat.FP32) {
                        assertEquals(2 * maxPacked, gpu.scratchBytes(CudaMixedMatmul.GRADIENT_SLOT),
                                "one block's rows packed at a time");
                    }
                }
                String what = storage.id() + " input (seed " + SEED + ")";
                assertArrayEquals(results[1][0], results[0][0], "input gradient, " + what);
                Check.close("weight gradient, " + what, SEED, Tolerances.MATMUL, widen(results[1][1]),
                        results[0][1]);
                // one block: partial sums from the packing pass (pack_rows_column_sums); blocks: column_partial_sums
                assertArrayEquals(results[1][2], results[0][2], "bias gradient, " + what);
            }
        }
    }

    @Test
    void onlyTheLmHeadsGradientIsSplitAtTheDefaultLimit() {
        TensorCoreMatmul m = new TensorCoreMatmul(new RecordingGpu(), null, OperandFormat.BF16);
        assertEquals(2670, m.blockRows(50_257), "the LM head at 50,257 columns: 2,670 rows a block");
        assertTrue(m.blockRows(4 * 768) > 8 * 2048, "the 111M model's widest other layer at batch 8 x 2048: whole");
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    private static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    private static Tensor upload(TensorScope scope, float[] values, OperandFormat format) {
        Tensor t = scope.allocate(values.length, format);
        t.copyFromHost(values);
        return t;
    }
}
