package dev.wafer.domain.generate;

/**
 * The model computed a NaN or infinite logit or loss from finite inputs: its parameters are broken (not finite, or
 * finite but so large that the forward pass overflows, as after training with far too high a learning rate). The
 * command that loaded the model names it; this is the model's fault, not Wafer's.
 */
public final class NonFiniteOutputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception whose message is {@code what}.
     *
     * @param what what was not finite
     */
    public NonFiniteOutputException(String what) {
        super(what);
    }
}
