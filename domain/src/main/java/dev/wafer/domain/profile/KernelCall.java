package dev.wafer.domain.profile;

/** The kernel entry points a {@link KernelProfile} tells apart, each with the name reports print. */
public enum KernelCall {
    ENCODER_FORWARD("encoder.forward"),
    ENCODER_BACKWARD("encoder.backward"),
    LAYER_NORM_FORWARD("layer_norm.forward"),
    LAYER_NORM_BACKWARD("layer_norm.backward"),
    MATMUL_FORWARD("matmul.forward"),
    MATMUL_BACKWARD("matmul.backward"),
    ATTENTION_FORWARD("attention.forward"),
    ATTENTION_BACKWARD("attention.backward"),
    ATTENTION_CACHED("attention.cached"),
    GELU_FORWARD("gelu.forward"),
    GELU_BACKWARD("gelu.backward"),
    RESIDUAL_FORWARD("residual.forward"),
    RESIDUAL_BACKWARD("residual.backward"),
    CROSS_ENTROPY_FORWARD("cross_entropy.forward"),
    CROSS_ENTROPY_BACKWARD("cross_entropy.backward"),
    CROSS_ENTROPY_FORWARD_BACKWARD("cross_entropy.forward_backward"),
    ADAMW_UPDATE("adamw.update"),
    SUM_OF_SQUARES("reductions.sum_of_squares"),
    SCALE("reductions.scale"),
    FILL("reductions.fill");

    private final String label;

    KernelCall(String label) {
        this.label = label;
    }

    /** The name in reports, {@code family.entry}, e.g. {@code matmul.backward}. */
    public String label() {
        return label;
    }
}
