package dev.wafer.domain.optim;

/** The gradient norm is NaN or infinite; names the first tensor (in layout order) that is. */
public final class NonFiniteGradientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Name of the first non-finite gradient tensor. */
    private final String tensor;

    /**
     * An exception whose message names {@code tensor}.
     *
     * @param tensor name of the first non-finite gradient tensor
     */
    public NonFiniteGradientException(String tensor) {
        super("gradient of " + tensor + " is not finite (NaN or infinity)");
        this.tensor = tensor;
    }

    /** Name of the first non-finite gradient tensor. */
    public String tensor() {
        return tensor;
    }
}
