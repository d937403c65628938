package dev.wafer.domain.study;

import dev.wafer.domain.data.SequenceBatchSource;
import dev.wafer.ports.data.TokenBatchSource;

/** The tokens a study trains and evaluates on. */
public interface StudyData {
    /** Training micro-batches in an order fixed by {@code seed}; a fresh source on every call. */
    TokenBatchSource training(long seed);

    /**
     * Held-out micro-batches, the same sequence on every call, or {@code null} when the data has no held-out split
     * (studies then score the mean training loss of the last steps instead).
     */
    TokenBatchSource validation();

    /**
     * How many held-out sequences can be scored, each once: the validation split's epoch (all its sequences but the
     * last, which has no next token for its last target), 0 without a split, unbounded for a source that does not say.
     */
    default long heldOutSequences() {
        TokenBatchSource v = validation();
        if (v == null) {
            return 0;
        }
        return v instanceof SequenceBatchSource split ? split.sequencesPerEpoch() : Long.MAX_VALUE;
    }

    /** Vocabulary size of the token ids; study models are built with exactly this vocabulary. */
    int vocabSize();

    /** One line for reports: which corpus, tokenizer and vocabulary. */
    String description();
}
