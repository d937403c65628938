package dev.wafer.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.wafer.conformance.support.Fixture;
import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.MissingCapabilityException;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/**
 * bf16 tensors ({@link Capability#BF16_STORAGE}) as the capability's Javadoc lists them, bit for bit: host copies
 * round to nearest even on the way in and widen exactly on the way out; every kernel that may write one stores its
 * float32 result rounded once; every kernel that may read one computes what it computes from a float32 tensor holding
 * the same values (the bf16 linear layer and the bf16 attention round such inputs to exactly those values); every
 * other kernel argument refuses one with {@link IllegalArgumentException} naming bf16, before writing anything.
 * Exact comparisons, not tolerances: only where the operands live differs. Backends without the capability skip.
 */
public interface Bf16StorageContract extends BackendContract {

    private static float[] rounded(float[] a) {
        float[] r = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = OperandFormat.BF16.round(a[i]);
        }
        return r;
    }

    private static Tensor stored(TensorScope scope, float[] values, OperandFormat format) {
        Tensor t = scope.allocate(values.length, format);
        t.copyFromHost(values);
        return t;
    }

    @Test
    default void bf16TensorsRoundOnTheWayInAndWidenExactlyOnTheWayOut(TestInfo info) {
        assumeCapable(Capability.BF16_STORAGE);
        try (Fixture f = fixture(info)) {
            float[] v = f.uniform(1000, -1e3, 1e3);
            v[0] = Float.POSITIVE_INFINITY;
            v[1] = -0f;
            v[2] = Float.MIN_NORMAL;
            v[3] = 3.4e38f; // above the largest finite bf16 by more than half an ulp: rounds to infinity
            v[4] = Float.NaN;
            Tensor t = f.scope().allocate(v.length, OperandFormat.BF16);
            assertEquals(OperandFormat.BF16, t.format());
            assertEquals(v.length, t.length());
            assertArrayEquals(new float[v.length], t.toHost(), "a new tensor is zero-filled");
            t.copyFromHost(v);
            assertArrayEquals(rounded(v), t.toHost(), "seed " + f.seed());
            Tensor view = t.slice(10, 20);
            assertEquals(OperandFormat.BF16, view.format());
            view.copyFromHost(new float[] {1.00390625f}, 0, 5, 1); // halfway between two bf16 values: ties to even
            assertEquals(1f, t.toHost()[15]);
            float[] part = new float[3];
            view.copyToHost(0, part, 0, 3);
            float[] r = rounded(v);
            assertArrayEquals(new float[] {r[10], r[11], r[12]}, part);
            assertThrows(IndexOutOfBoundsException.class, () -> view.copyToHost(18, part, 0, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> t.slice(990, 11));
        }
        TensorScope scope = backend().openScope();
        Tensor t = scope.allocate(4, OperandFormat.BF16);
        scope.close();
        assertThrows(IllegalStateException.class, t::toHost, "a tensor of a closed scope");
    }

    @Test
    default void fp16StorageIsRefusedNamingTheCapability() {
        assumeCapable(Capability.BF16_STORAGE);
        try (TensorScope scope = backend().openScope()) {
            MissingCapabilityException e = assertThrows(MissingCapabilityException.class,
                    () -> scope.allocate(4, OperandFormat.FP16));
            assertTrue(e.getMessage().contains(backend().name()) && e.getMessage().contains("fp16"), e.getMessage());
        }
    }

    @Test
    default void writersStoreTheirFloat32ResultRoundedOnce(TestInfo info) {
        assumeCapable(Capability.BF16_STORAGE);
        ComputeBackend backend = backend();
        int b = 2;
        int t = 7;
        int c = 24;
        int nh = 3;
        int n = b * t;
        try (Fixture f = fixture(info)) {
            TensorScope scope = f.scope();
            String what = "seed " + f.seed();
            // LayerNorm forward: the same statistics, the output rounded.
            Tensor x = f.upload(f.uniform(n * c, -3, 3));
            Tensor w = f.upload(f.uniform(c, -1.5, 1.5));
            Tensor bias = f.upload(f.uniform(c, -0.5, 0.5));
            Tensor out32 = scope.allocate(n * c);
            Tensor out16 = scope.allocate(n * c, OperandFormat.BF16);
            Tensor mean = scope.allocate(n);
            Tensor rstd = scope.allocate(n);
            Tensor mean16 = scope.allocate(n);
            Tensor rstd16 = scope.allocate(n);
            backend.layerNorm().forward(out32, mean, rstd, x, w, bias, n, c);
            backend.layerNorm().forward(out16, mean16, rstd16, x, w, bias, n, c);
            assertArrayEquals(rounded(out32.toHost()), out16.toHost(), "layer norm, " + what);
            assertArrayEquals(mean.toHost(), mean16.toHost(), "layer norm mean, " + what);
            assertArrayEquals(rstd.toHost(), rstd16.toHost(), "layer norm rstd, " + what);
            // GELU forward, also into a view at an offset: nothing is written outside it.
            Tensor gin = f.upload(f.uniform(n * 4 * c, -4, 4));
            Tensor g32 = scope.allocate(n * 4 * c);
            Tensor g16 = scope.allocate(n * 4 * c + 11, OperandFormat.BF16);
            backend.gelu().forward(g32, gin, n * 4 * c);
            backend.gelu().forward(g16.slice(11, n * 4 * c), gin, n * 4 * c);
            float[] gelu = g16.toHost();
            assertArrayEquals(new float[11], java.util.Arrays.copyOf(gelu, 11), "nothing before the view, " + what);
            assertArrayEquals(rounded(g32.toHost()), java.util.Arrays.copyOfRange(gelu, 11, gelu.length),
                    "gelu, " + what);
            // The bf16 matmul's forward (the QKV projection), from a float32 and from a bf16 input.
            Tensor wq = f.upload(f.uniform(3 * c * c, -0.3, 0.3));
            Tensor bq = f.upload(f.uniform(3 * c, -0.5, 0.5));
            for (Tensor in : new Tensor[] {x, out16}) {
                Tensor q32 = scope.allocate(n * 3 * c);
                Tensor q16 = scope.allocate(n * 3 * c, OperandFormat.BF16);
                backend.matmul(OperandFormat.BF16).forward(q32, in, wq, bq, n, c, 3 * c);
                backend.matmul(OperandFormat.BF16).forward(q16, in, wq, bq, n, c, 3 * c);
                assertArrayEquals(rounded(q32.toHost()), q16.toHost(),
                        "bf16 matmul from a " + in.format().id() + " input, " + what);
            }
            // Attention's output, for every attention kernel the backend has.
            Tensor qkv = f.upload(f.uniform(n * 3 * c, -1, 1));
            for (OperandFormat operands : OperandFormat.values()) {
                if (operands.capability() != null && !backend.capabilities().contains(operands.capability())) {
                    continue;
                }
                for (boolean fp32Grads : new boolean[] {false, true}) {
                    AttentionKernel k = backend.attention(operands, fp32Grads);
                    Tensor a32 = scope.allocate(n * c);
                    Tensor a16 = scope.allocate(n * c, OperandFormat.BF16);
                    Tensor att32 = scope.allocate((long) b * nh * t * t);
                    Tensor att16 = scope.allocate((long) b * nh * t * t);
                    k.forward(a32, att32, qkv, b, t, c, nh, 0.3f);
                    k.forward(a16, att16, qkv, b, t, c, nh, 0.3f);
                    String label = "attention " + operands.id() + (fp32Grads ? " (fp32 score gradients)" : "")
                            + ", " + what;
                    assertArrayEquals(rounded(a32.toHost()), a16.toHost(), label);
                    assertArrayEquals(att32.toHost(), att16.toHost(), "probabilities of " + label);
                }
            }
        }
    }

    @Test
    default void theBf16AttentionTakesBf16QkvAndProbabilitiesAsStored(TestInfo info) {
        assumeCapable(Capability.BF16_STORAGE);
        assumeCapable(Capability.BF16);
        int b = 2;
        int t = 19; // not a multiple of any tile
        int c = 24;
        int nh = 3;
        long tt = (long) b * nh * t * t;
        try (Fixture f = fixture(info)) {
            TensorScope scope = f.scope();
            float[] qkvValues = f.uniform(b * t * 3 * c, -1.5, 1.5);
            float[] dout = f.uniform(b * t * c, -1, 1);
            Tensor dy = f.upload(dout);
            for (boolean fp32Grads : new boolean[] {false, true}) {
                AttentionKernel k = backend().attention(OperandFormat.BF16, fp32Grads);
                List<float[]> results = new ArrayList<>();
                for (OperandFormat storage : new OperandFormat[] {OperandFormat.FP32, OperandFormat.BF16}) {
                    // The float32 run gets the unrounded values: the kernel rounds Q, K, V to these bf16 values.
                    Tensor qkv = stored(scope, qkvValues, storage);
                    Tensor att = scope.allocate(tt, storage);
                    Tensor out = scope.allocate(b * t * c);
                    Tensor dqkv = scope.allocate(b * t * 3 * c);
                    k.forward(out, att, qkv, b, t, c, nh, 0.25f);
                    k.backward(dqkv, dy, qkv, att, b, t, c, nh, 0.25f);
                    results.add(out.toHost());
                    results.add(att.toHost());
                    results.add(dqkv.toHost());
                }
                String what = (fp32Grads ? "fp32 score gradients" : "bf16 score gradients") + ", seed " + f.seed();
                assertArrayEquals(results.get(0), results.get(3), "output, " + what);
                assertArrayEquals(results.get(1), results.get(4), "probabilities, " + what);
                assertArrayEquals(results.get(2), results.get(5), "qkv gradient, " + what);
                assertArrayEquals(rounded(results.get(1)), results.get(1), "saved probabilities are bf16 values");
            }
        }
    }

    @Test
    default void theBf16LinearLayerTakesABf16InputAsStored(TestInfo info) {
        assumeCapable(Capability.BF16_STORAGE);
        int n = 37;
        int c = 40;
        int oc = 20;
        MatmulKernel kernel = backend().matmul(OperandFormat.BF16);
        try (Fixture f = fixture(info)) {
            TensorScope scope = f.scope();
            float[] xv = f.uniform(n * c, -2, 2); // unrounded: the float32 run rounds them to the stored values
            Tensor w = f.upload(f.uniform(oc * c, -0.5, 0.5));
            Tensor bias = f.upload(f.uniform(oc, -0.1, 0.1));
            Tensor g = f.upload(f.uniform(n * oc, -1, 1));
            List<float[]> results = new ArrayList<>();
            for (OperandFormat storage : new OperandFormat[] {OperandFormat.FP32, OperandFormat.BF16}) {
                Tensor x = stored(scope, xv, storage);
                Tensor out = scope.allocate(n * oc);
                Tensor dx = scope.allocate(n * c);
                Tensor dw = scope.allocate(oc * c);
                Tensor db = scope.allocate(oc);
                kernel.forward(out, x, w, bias, n, c, oc);
                kernel.backward(dx, dw, db, g, x, w, n, c, oc);
                kernel.backward(null, dw, db, g, x, w, n, c, oc); // accumulates; no input gradient
                results.add(out.toHost());
                results.add(dx.toHost());
                results.add(dw.toHost());
                results.add(db.toHost());
            }
            String[] names = {"output", "input gradient", "weight gradient", "bias gradient"};
            for (int i = 0; i < names.length; i++) {
                assertArrayEquals(results.get(i), results.get(i + names.length), names[i] + ", seed " + f.seed());
            }
        }
    }

    @Test
    default void argumentsThatTakeFloat32OnlyRefuseABf16TensorBeforeWritingAnything() {
        assumeCapable(Capability.BF16_STORAGE);
        ComputeBackend be = backend();
        try (TensorScope scope = be.openScope()) {
            Tensor a16 = scope.allocate(192, OperandFormat.BF16);
            Tensor out = scope.allocate(192);
            Tensor a = scope.allocate(192);
            Tensor w = scope.allocate(192);
            List<Runnable> refused = new ArrayList<>(List.of(
                () -> be.residual().forward(out, a16, a, 64),
                () -> be.residual().forward(a16, a, a, 64),
                () -> be.matmul().forward(out, a16, w, null, 8, 8, 8),
                () -> be.matmul().forward(a16, a, w, null, 8, 8, 8),
                () -> be.matmul(OperandFormat.BF16).backward(a16, w, null, a, a, w, 8, 8, 8),
                () -> be.matmul(OperandFormat.BF16).backward(out, w, null, a16, a, w, 8, 8, 8),
                () -> be.matmul(OperandFormat.BF16).forward(out, a, a16, null, 8, 8, 8),
                () -> be.gelu().forward(out, a16, 64),
                () -> be.gelu().backward(out, a16, a, 64),
                () -> be.layerNorm().forward(out, scope.allocate(8), scope.allocate(8), a16, w.slice(0, 8),
                        w.slice(8, 8), 8, 8),
                () -> be.reductions().fill(a16, 64, 0f),
                () -> be.attention().forward(out, a, a16, 1, 4, 16, 2, 0.5f),
                () -> be.attention().forward(out, a16, a, 1, 4, 16, 2, 0.5f),
                () -> be.attention(OperandFormat.BF16, false).backward(a16, a, a, a, 1, 4, 16, 2, 0.5f)));
            if (be.capabilities().contains(Capability.FP16)) {
                refused.add(() -> be.matmul(OperandFormat.FP16).forward(out, a16, w, null, 8, 8, 8));
                refused.add(() -> be.matmul(OperandFormat.FP16).forward(a16, a, w, null, 8, 8, 8));
                refused.add(() -> be.attention(OperandFormat.FP16, false).forward(out, a, a16, 1, 4, 16, 2, 0.5f));
            }
            float[] marker = new float[192];
            java.util.Arrays.fill(marker, 7f);
            for (int i = 0; i < refused.size(); i++) {
                out.copyFromHost(marker);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, refused.get(i)::run,
                        "case " + i);
                assertTrue(e.getMessage().contains("bf16"), "case " + i + ": " + e.getMessage());
                assertArrayEquals(marker, out.toHost(), "case " + i + " wrote before refusing");
            }
        }
    }
}
