package dev.wafer.domain.eval;

/**
 * A CrowS-Pairs pair: a more and a less stereotyping sentence. Both are scored whole after an empty context (the
 * harness's {@code CrowsPairsMutilingual.construct_requests}: {@code loglikelihood("", sent_more)} and
 * {@code loglikelihood("", sent_less)}; the empty context becomes end-of-text). There is no prompt and no few-shot
 * form, so {@link #text()} and {@link #target()} are empty, as the harness's {@code doc_to_text}/{@code doc_to_target}.
 *
 * @param sentMore the more stereotyping sentence
 * @param sentLess the less stereotyping sentence
 * @param biasType the bias category, e.g. {@code race-color}
 */
public record CrowsPairsDoc(String sentMore, String sentLess, String biasType) implements EvalDoc {
    /** Requires both sentences and a category. */
    public CrowsPairsDoc {
        if (sentMore.isEmpty() || sentLess.isEmpty()) {
            throw new IllegalArgumentException("a CrowS-Pairs pair needs two non-empty sentences");
        }
        if (biasType.isBlank()) {
            throw new IllegalArgumentException("a CrowS-Pairs pair needs a bias type");
        }
    }

    @Override
    public String text() {
        return "";
    }

    @Override
    public String target() {
        return "";
    }

    @Override
    public TaskType type() {
        return TaskType.CROWS_PAIRS;
    }
}
