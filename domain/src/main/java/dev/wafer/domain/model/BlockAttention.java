package dev.wafer.domain.model;

import dev.wafer.ports.compute.AttentionKernel;

/**
 * A block's attention over its slot of the activations, saving for the backward what {@link ActivationStorage} says:
 * the probabilities {@code att}, or with fused attention each row's log-sum-exp {@code lse}, from which the kernel's
 * backward recomputes them.
 */
final class BlockAttention {
    private final AttentionKernel kernel;
    private final Activations act;
    private final int heads;

    BlockAttention(AttentionKernel kernel, Activations act, int heads) {
        this.kernel = kernel;
        this.act = act;
        this.heads = heads;
    }

    /** {@code atty[s]} from {@code qkv[s]}, saving {@code att[s]} or {@code lse[s]}. */
    void forward(int s, int b, int t, int c, float scale) {
        if (act.storage.fusedAttention()) {
            kernel.forwardSavingLogSumExp(act.atty[s], act.lse[s], act.qkv[s], b, t, c, heads, scale);
        } else {
            kernel.forward(act.atty[s], act.att[s], act.qkv[s], b, t, c, heads, scale);
        }
    }

    /** {@code dqkv} from {@code datty} and what the forward of slot {@code s} saved. */
    void backward(int s, int b, int t, int c, float scale) {
        if (act.storage.fusedAttention()) {
            kernel.backwardFromLogSumExp(act.dqkv, act.datty, act.qkv[s], act.atty[s], act.lse[s], b, t, c, heads,
                    scale);
        } else {
            kernel.backward(act.dqkv, act.datty, act.qkv[s], act.att[s], b, t, c, heads, scale);
        }
    }
}
