package dev.wafer.domain.eval;

/**
 * A LAMBADA passage; the model must predict its last word.
 *
 * @param passage the whole passage; its last space separates context and target word
 */
public record LambadaDoc(String passage) implements EvalDoc {
    /**
     * Requires a space ({@code rsplit(" ", 1)[1]} fails without one). Either side of the last space may be empty, as
     * in the harness: {@code "ends "} is context {@code "ends"} and continuation {@code " "}.
     */
    public LambadaDoc {
        if (passage.indexOf(' ') < 0) {
            throw new IllegalArgumentException("a LAMBADA passage needs a space before its last word: " + passage);
        }
    }

    /** {@code passage.rsplit(" ", 1)[0]}. */
    @Override
    public String text() {
        return passage.substring(0, passage.lastIndexOf(' '));
    }

    /** {@code " " + passage.rsplit(" ", 1)[1]}. */
    @Override
    public String target() {
        return " " + passage.substring(passage.lastIndexOf(' ') + 1);
    }

    @Override
    public TaskType type() {
        return TaskType.LAMBADA;
    }
}
