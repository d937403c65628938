package dev.wafer.ports.compute;

import java.util.Objects;

/**
 * The sizes and formats of one training step of a GPT decoder, as a backend needs them to say how much device memory
 * its kernels keep for themselves ({@link ComputeBackendFactory#workspaceBytes(StepShape)}).
 *
 * @param microBatch         sequences per micro-batch (B)
 * @param seq                tokens per sequence (T)
 * @param channels           model width (C)
 * @param hidden             MLP width (usually 4C)
 * @param heads              attention heads
 * @param vocab              vocabulary (rows of the tied embedding)
 * @param parameterTensors   parameter tensors the gradient norm reduces at once
 * @param operands           the products' operand format
 * @param activations        the storage of the activations that only 16-bit products read (FP32 or BF16)
 * @param ln1                the storage of each block's first LayerNorm output
 * @param fusedAttention     whether the attention is the fused kernel (log-sum-exps saved, no probabilities)
 * @param fp32ScoreGradients whether the attention's score gradients stay float32 in a 16-bit run
 */
public record StepShape(int microBatch, int seq, int channels, int hidden, int heads, int vocab, int parameterTensors,
        OperandFormat operands, OperandFormat activations, OperandFormat ln1, boolean fusedAttention,
        boolean fp32ScoreGradients) {
    /**
     * Checks that the three formats are non-null and every size is at least 1.
     *
     * @throws IllegalArgumentException for a size below 1
     */
    public StepShape {
        Objects.requireNonNull(operands, "operands");
        Objects.requireNonNull(activations, "activations");
        Objects.requireNonNull(ln1, "ln1");
        if (microBatch < 1 || seq < 1 || channels < 1 || hidden < 1 || heads < 1 || vocab < 1
                || parameterTensors < 1) {
            throw new IllegalArgumentException("a step's sizes must be positive: " + this);
        }
    }

    /** Rows of the step's activations, {@code B·T}. */
    public long rows() {
        return (long) microBatch * seq;
    }
}
