package dev.wafer.domain.eval;

/**
 * A LAMBADA passage; the model must predict its last word.
 *
 * @param passage the whole passage; its last space separates context and target word
 */
public record LambadaDoc(String passage) implements EvalDoc {
    /** Requires a space, so that there is a context and a last word. */
    public LambadaDoc {
        if (passage.lastIndexOf(' ') <= 0 || passage.endsWith(" ")) {
            throw new IllegalArgumentException("a LAMBADA passage needs a context and a last word separated by a space: " + passage);
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
