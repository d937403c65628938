package dev.wafer.domain.session;

import java.util.Locale;

import dev.wafer.ports.compute.OperandFormat;

/**
 * The numeric precision a run trains in; saved with the run so that a resumed run keeps it.
 *
 * <p>In every precision the master weights, their gradients and AdamW's moments are float32, and so are LayerNorm,
 * softmax, the loss, the gradient norm and the optimizer ("FP32 for intermediate values in reduction operations").
 * {@link #BF16} and {@link #FP16} round the operands of every matrix product (the linear layers forward and
 * backward, and attention's {@code QKᵀ}, {@code PV} and their gradients) to 16 bits and accumulate in float32.
 */
public enum Precision {
    /** Everything in float32: parameters, activations, gradients, optimizer state. */
    FP32(OperandFormat.FP32),
    /** bfloat16 operands of matrix products (float32's exponent range): no loss scaling needed. */
    BF16(OperandFormat.BF16),
    /** IEEE half-precision operands of matrix products, with dynamic loss scaling against gradient underflow. */
    FP16(OperandFormat.FP16);

    private final OperandFormat operands;

    Precision(OperandFormat operands) {
        this.operands = operands;
    }

    /** The format matrix-product operands are rounded to. */
    public OperandFormat operands() {
        return operands;
    }

    /** Whether the run scales its loss dynamically (fp16: gradients would otherwise underflow). */
    public boolean scalesLoss() {
        return this == FP16;
    }

    /** The lower-case id used on the command line and in checkpoints. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses an id (any case).
     *
     * @throws IllegalArgumentException naming the supported precisions otherwise
     */
    public static Precision parse(String text) {
        for (Precision p : values()) {
            if (p.id().equalsIgnoreCase(text.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("precision must be fp32, bf16 or fp16, found '" + text + "'");
    }
}
