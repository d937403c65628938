package dev.wafer.domain.eval;

/**
 * A document asks for a request that cannot be scored: a continuation that encodes to no tokens, or one longer than
 * the model's window (lm-evaluation-harness v0.3.0 asserts {@code len(continuation_enc) <= max_length}: left
 * truncation keeps the whole continuation, so a longer one has no position to be predicted from). Thrown while the
 * requests are built, before any is scored; the message names where the document was read.
 */
public final class UnscorableDocumentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A refusal of one document.
     *
     * @param message where the document was read and why it cannot be scored
     * @param cause   the request builder's refusal
     */
    public UnscorableDocumentException(String message, Throwable cause) {
        super(message, cause);
    }
}
