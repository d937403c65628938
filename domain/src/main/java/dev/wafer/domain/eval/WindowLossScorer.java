package dev.wafer.domain.eval;

/** What the model must provide for test-set loss: the cross-entropy of one packed window. */
@FunctionalInterface
public interface WindowLossScorer {
    /**
     * Runs the model on {@code window[0 .. n-2]} and returns the summed cross-entropy, in nats, of predicting
     * {@code window[1 .. n-1]} (so {@code n - 1} target tokens, each seeing only the tokens before it in this window).
     *
     * @param window between 2 and the model's context length + 1 tokens
     */
    double sumNats(int[] window);
}
