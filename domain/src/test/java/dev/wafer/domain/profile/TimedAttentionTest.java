package dev.wafer.domain.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;

/**
 * The profiler's attention passes the fused forms on: a wrapper that answered "no fused forms" would silently turn a
 * profiled bf16 run into a different (unfused) computation from the unprofiled one.
 */
class TimedAttentionTest {

    /** Answers fuses() for heads of 64 and records the calls it gets. */
    private static final class Fusing implements AttentionKernel {
        final List<String> calls = new ArrayList<>();

        @Override
        public boolean fuses(int headSize, OperandFormat storage) {
            return headSize == 64 && storage == OperandFormat.BF16;
        }

        @Override
        public void forwardSavingLogSumExp(Tensor out, Tensor lse, Tensor qkv, int b, int t, int c, int nh,
                                           float scale) {
            calls.add("forward " + b + "x" + t);
        }

        @Override
        public void backwardFromLogSumExp(Tensor dqkv, Tensor dout, Tensor qkv, Tensor out, Tensor lse, int b, int t,
                                          int c, int nh, float scale) {
            calls.add("backward " + b + "x" + t);
        }

        @Override
        public void forward(Tensor out, Tensor att, Tensor qkv, int b, int t, int c, int nh, float scale) {
            calls.add("unfused forward");
        }

        @Override
        public void backward(Tensor dqkv, Tensor dout, Tensor qkv, Tensor att, int b, int t, int c, int nh,
                             float scale) {
            calls.add("unfused backward");
        }

        @Override
        public void forwardCached(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int pos, int c, int nh,
                                  float scale) {
            calls.add("cached");
        }
    }

    @Test
    void theFusedFormsAreForwardedAndTimedAsAttention() {
        Fusing inner = new Fusing();
        KernelProfile profile = new KernelProfile();
        long[] clock = {0};
        try (ReferenceBackend device = new ReferenceBackend()) {
            AttentionKernel timed = new ProfiledKernels.TimedAttention(inner,
                    new CallTimer(device, profile, () -> clock[0] += 1_000));
            assertTrue(timed.fuses(64, OperandFormat.BF16));
            assertFalse(timed.fuses(64, OperandFormat.FP32));
            timed.forwardSavingLogSumExp(null, null, null, 2, 8, 128, 2, 0.125f);
            timed.backwardFromLogSumExp(null, null, null, null, null, 2, 8, 128, 2, 0.125f);
        }
        assertEquals(List.of("forward 2x8", "backward 2x8"), inner.calls);
        assertEquals(List.of(KernelCall.ATTENTION_FORWARD, KernelCall.ATTENTION_BACKWARD),
                profile.entries().stream().map(KernelProfile.Entry::call).sorted().toList());
    }
}
