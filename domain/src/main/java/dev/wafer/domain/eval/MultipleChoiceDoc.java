package dev.wafer.domain.eval;

import java.util.List;

/**
 * A multiple-choice question (PIQA, ARC, OpenBookQA, HellaSwag style).
 *
 * @param context the prompt, e.g. {@code "Question: ...\nAnswer:"}
 * @param choices answers without the leading space (the space is added when scoring)
 * @param gold    index of the correct answer
 */
public record MultipleChoiceDoc(String context, List<String> choices, int gold) implements EvalDoc {
    /**
     * Requires at least two choices and a gold index among them. A choice may be empty (a HellaSwag ending that is all
     * tags): the harness scores its continuation {@code " "}, and its acc_norm is {@code ll / 0}, never the best.
     */
    public MultipleChoiceDoc {
        choices = List.copyOf(choices);
        if (choices.size() < 2) {
            throw new IllegalArgumentException("a multiple-choice document needs at least two choices, got " + choices.size());
        }
        if (gold < 0 || gold >= choices.size()) {
            throw new IllegalArgumentException("gold " + gold + " is not an index of the " + choices.size() + " choices");
        }
    }

    @Override
    public String text() {
        return context;
    }

    @Override
    public String target() {
        return " " + choices.get(gold);
    }

    @Override
    public TaskType type() {
        return TaskType.MULTIPLE_CHOICE;
    }
}
