package dev.wafer.domain.eval.harness;

import dev.wafer.domain.eval.MultipleChoiceDoc;
import java.util.List;

/** piqa.py {@code PiQA}. */
public final class Piqa {
    private Piqa() {
    }

    /** {@code _process_doc} and {@code doc_to_text}: {@code "Question: " + goal + "\nAnswer:"}, choices [sol1, sol2]. */
    public static MultipleChoiceDoc doc(String goal, String sol1, String sol2, int label) {
        return new MultipleChoiceDoc("Question: " + goal + "\nAnswer:", List.of(sol1, sol2), label);
    }
}
