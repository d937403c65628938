package dev.wafer.domain.eval.harness;

import dev.wafer.domain.eval.MultipleChoiceDoc;
import java.util.List;
import java.util.Map;

/** arc.py {@code ARCEasy} and {@code ARCChallenge} (the same documents, different data). */
public final class Arc {
    private static final Map<String, String> NUM_TO_LETTER = Map.of("1", "A", "2", "B", "3", "C", "4", "D", "5", "E");
    private static final List<String> LETTERS = List.of("A", "B", "C", "D", "E");

    private Arc() {
    }

    /**
     * {@code ARCEasy._process_doc}: {@code answerKey} "1".."5" is first mapped to "A".."E"; query
     * {@code "Question: " + question + "\nAnswer:"}; choices the choice texts in order; gold the index of the key in
     * A..E.
     */
    public static MultipleChoiceDoc doc(String question, List<String> choiceTexts, String answerKey) {
        String key = NUM_TO_LETTER.getOrDefault(answerKey, answerKey);
        int gold = LETTERS.indexOf(key);
        if (gold < 0) {
            throw new IllegalArgumentException("answerKey '" + answerKey + "' is none of A-E or 1-5");
        }
        return new MultipleChoiceDoc("Question: " + question + "\nAnswer:", choiceTexts, gold);
    }
}
