package dev.wafer.domain.eval;

/**
 * One evaluation document. {@link #text()} and {@link #target()} are the harness's {@code doc_to_text} and
 * {@code doc_to_target}: a few-shot example is rendered as {@code text() + target()}.
 */
public sealed interface EvalDoc permits MultipleChoiceDoc, WinograndeDoc, LambadaDoc, CrowsPairsDoc {
    /** The prompt part of the document. */
    String text();

    /** The correct answer as it follows the prompt, including its leading space. */
    String target();

    /** The task type this document belongs to. */
    TaskType type();
}
