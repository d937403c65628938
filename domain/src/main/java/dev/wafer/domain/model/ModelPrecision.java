package dev.wafer.domain.model;

import java.util.Objects;

import dev.wafer.ports.compute.OperandFormat;

/**
 * How the model's matrix products round their operands.
 *
 * @param operands           the format of every matmul and attention operand ({@link OperandFormat#FP32}: none)
 * @param fp32AttentionGrads the paper's fix for fp16 underflow: the attention-softmax gradient stays float32 through
 *                           the query-key product's backward, and the QKV projection's backward takes float32 operands
 */
public record ModelPrecision(OperandFormat operands, boolean fp32AttentionGrads) {
    /** Everything in float32. */
    public static final ModelPrecision FP32 = new ModelPrecision(OperandFormat.FP32, false);

    /** Rejects a missing format. */
    public ModelPrecision {
        Objects.requireNonNull(operands, "operands");
    }
}
