package dev.wafer.ports.metrics;

/**
 * What one optimizer step reports.
 *
 * @param step 1-based optimizer step
 * @param loss mean training loss of the step's batch, nats per token
 * @param learningRate the scheduled (base) learning rate used
 * @param gradNorm global gradient norm before clipping
 * @param tokens tokens processed in the step
 * @param seconds wall-clock time of the step
 * @param tokensPerSecond {@code tokens / seconds}
 * @param modelFlopsPerSecond model FLOPs (Cerebras-GPT Appendix F count) per second
 * @param skipped whether the update was skipped because something was not finite
 * @param lossScale the loss scale this step's backward used (1 without loss scaling)
 */
public record StepMetrics(long step, double loss, double learningRate, double gradNorm, long tokens, double seconds,
                          double tokensPerSecond, double modelFlopsPerSecond, boolean skipped, double lossScale) {
    /** A step of a run without loss scaling (scale 1). */
    public StepMetrics(long step, double loss, double learningRate, double gradNorm, long tokens, double seconds,
                       double tokensPerSecond, double modelFlopsPerSecond, boolean skipped) {
        this(step, loss, learningRate, gradNorm, tokens, seconds, tokensPerSecond, modelFlopsPerSecond, skipped, 1.0);
    }
}
