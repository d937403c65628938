package dev.wafer.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.wafer.conformance.support.Fixture;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.MissingCapabilityException;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/** Tensors, scopes and capability declarations. */
public interface TensorContract extends BackendContract {
    @Test
    default void allocatedTensorsAreZeroAndRoundTrip(TestInfo info) {
        try (Fixture f = fixture(info)) {
            Tensor t = f.scope().allocate(67);
            assertEquals(67, t.length());
            assertArrayEquals(new float[67], t.toHost());
            float[] data = f.uniform(67, -1, 1);
            t.copyFromHost(data);
            assertArrayEquals(data, t.toHost());
        }
    }

    @Test
    default void slicesShareStorage(TestInfo info) {
        try (Fixture f = fixture(info)) {
            Tensor t = f.scope().allocate(20);
            Tensor s = t.slice(5, 10);
            assertEquals(10, s.length());
            s.copyFromHost(new float[] {1, 2, 3}, 0, 2, 3);
            float[] all = t.toHost();
            assertEquals(1f, all[7]);
            assertEquals(3f, all[9]);
            assertEquals(0f, all[10]);
            assertThrows(IndexOutOfBoundsException.class, () -> t.slice(15, 6));
            assertThrows(IndexOutOfBoundsException.class, () -> s.copyToHost(8, new float[3], 0, 3));
        }
    }

    @Test
    default void closedScopeInvalidatesTensors() {
        TensorScope scope = backend().openScope();
        Tensor t = scope.allocate(4);
        scope.close();
        scope.close();
        assertThrows(IllegalStateException.class, () -> t.copyFromHost(new float[4]));
        assertThrows(IllegalStateException.class, () -> scope.allocate(1));
    }

    @Test
    default void declaredCapabilitiesAreServedAndOthersFailUpFront() {
        var backend = backend();
        backend.require(backend.capabilities());
        for (Capability c : Capability.values()) {
            if (c == Capability.FUSED_ATTENTION) {
                // Not a kernel family of its own: a promise about the bf16 attention kernel, checked here.
                if (backend.capabilities().contains(c)) {
                    var bf16 = backend.attention(dev.wafer.ports.compute.OperandFormat.BF16, false);
                    for (int hs = 16; hs <= 128; hs += 16) {
                        assertTrue(bf16.fuses(hs, dev.wafer.ports.compute.OperandFormat.BF16), "fuses heads of " + hs);
                    }
                }
                continue;
            }
            if (c == Capability.FUSED_ATTENTION_FP32) {
                // Likewise a promise about the float32 attention kernel.
                if (backend.capabilities().contains(c)) {
                    var fp32 = backend.attention();
                    for (int hs = 16; hs <= 64; hs += 16) {
                        assertTrue(fp32.fuses(hs, dev.wafer.ports.compute.OperandFormat.FP32),
                                "fuses float32 heads of " + hs);
                    }
                }
                continue;
            }
            if (c == Capability.PREFIX_ATTENTION) {
                // A promise about a method of the float32 attention kernel: AttentionContract holds it to it.
                continue;
            }
            Runnable ask = switch (c) {
                case ENCODER -> backend::encoder;
                case LAYER_NORM -> backend::layerNorm;
                case MATMUL -> backend::matmul;
                case ATTENTION -> backend::attention;
                case GELU -> backend::gelu;
                case RESIDUAL -> backend::residual;
                case SOFTMAX_CROSS_ENTROPY -> backend::crossEntropy;
                case ADAMW -> backend::adamW;
                case REDUCTIONS -> backend::reductions;
                case BF16 -> () -> backend.matmul(dev.wafer.ports.compute.OperandFormat.BF16);
                case FP16 -> () -> backend.attention(dev.wafer.ports.compute.OperandFormat.FP16, false);
                case FUSED_ATTENTION, FUSED_ATTENTION_FP32, PREFIX_ATTENTION -> throw new AssertionError("checked above");
                case BF16_STORAGE -> () -> {
                    try (TensorScope s = backend.openScope()) {
                        s.allocate(1, dev.wafer.ports.compute.OperandFormat.BF16);
                    }
                };
            };
            if (backend.capabilities().contains(c)) {
                ask.run();
            } else {
                MissingCapabilityException e = assertThrows(MissingCapabilityException.class, ask::run);
                assertEquals(EnumSet.of(c), e.missing());
                assertThrows(MissingCapabilityException.class, () -> backend.require(EnumSet.of(c)));
            }
        }
    }
}
