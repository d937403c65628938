package dev.wafer.domain.model;

import java.util.Objects;

import dev.wafer.ports.compute.OperandFormat;

/**
 * How the model's matrix products round their operands.
 *
 * @param operands              the format of every matmul and attention operand ({@link OperandFormat#FP32}: none)
 * @param fp32AttentionGrads    the paper's fix for fp16 underflow: the attention-softmax gradient stays float32
 *                              through the query-key product's backward, and the QKV projection's backward takes
 *                              float32 operands
 * @param sixteenBitActivations whether the activations that are only ever 16-bit operands may be stored in 16 bits
 *                              where the backend can ({@link ActivationStorage}); {@code false} keeps them float32
 *                              (a diagnostic that must see them before rounding, or a comparison)
 * @param fusedAttention        whether the run may use the backend's fused attention (bf16 or float32)
 *                              ({@link dev.wafer.ports.compute.Capability#FUSED_ATTENTION}, {@link ActivationStorage});
 *                              {@code false} keeps the attention that saves its probabilities (a comparison)
 */
public record ModelPrecision(OperandFormat operands, boolean fp32AttentionGrads, boolean sixteenBitActivations,
                             boolean fusedAttention) {
    /** Everything in float32. */
    public static final ModelPrecision FP32 = new ModelPrecision(OperandFormat.FP32, false);

    /** Rejects a missing format. */
    public ModelPrecision {
        Objects.requireNonNull(operands, "operands");
    }

    /** Fused attention allowed where the backend has it (the default). */
    public ModelPrecision(OperandFormat operands, boolean fp32AttentionGrads, boolean sixteenBitActivations) {
        this(operands, fp32AttentionGrads, sixteenBitActivations, true);
    }

    /** With 16-bit activation storage allowed (the default). */
    public ModelPrecision(OperandFormat operands, boolean fp32AttentionGrads) {
        this(operands, fp32AttentionGrads, true);
    }

    /** The same rounding with every activation stored in float32. */
    public ModelPrecision withFloat32Activations() {
        return new ModelPrecision(operands, fp32AttentionGrads, false, fusedAttention);
    }

    /** The same rounding and storage with the attention that saves its probabilities. */
    public ModelPrecision withUnfusedAttention() {
        return new ModelPrecision(operands, fp32AttentionGrads, sixteenBitActivations, false);
    }
}
