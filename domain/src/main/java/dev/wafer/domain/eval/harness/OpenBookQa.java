package dev.wafer.domain.eval.harness;

import dev.wafer.domain.eval.MultipleChoiceDoc;
import dev.wafer.domain.eval.PythonStrings;
import java.util.List;

/** openbookqa.py {@code OpenBookQA}. */
public final class OpenBookQa {
    private static final List<String> LETTERS = List.of("A", "B", "C", "D");

    private OpenBookQa() {
    }

    /** {@code _process_doc}: query the bare {@code question_stem}; gold {@code ["A","B","C","D"].index(answerKey.strip())}. */
    public static MultipleChoiceDoc doc(String questionStem, List<String> choiceTexts, String answerKey) {
        int gold = LETTERS.indexOf(PythonStrings.strip(answerKey));
        if (gold < 0) {
            throw new IllegalArgumentException("answerKey '" + answerKey + "' is none of A-D");
        }
        return new MultipleChoiceDoc(questionStem, choiceTexts, gold);
    }
}
