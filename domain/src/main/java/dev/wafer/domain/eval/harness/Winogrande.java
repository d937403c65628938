package dev.wafer.domain.eval.harness;

import dev.wafer.domain.eval.WinograndeDoc;
import java.util.List;

/** winogrande.py {@code Winogrande}: partial scoring is in {@link WinograndeDoc} and {@code TaskRequests}. */
public final class Winogrande {
    private Winogrande() {
    }

    /** The document of a record; gold is {@code answer_to_num = {"1": 0, "2": 1}[answer]}. */
    public static WinograndeDoc doc(String sentence, String option1, String option2, String answer) {
        int gold = switch (answer) {
            case "1" -> 0;
            case "2" -> 1;
            default -> throw new IllegalArgumentException("answer '" + answer + "' is neither \"1\" nor \"2\"");
        };
        return new WinograndeDoc(sentence, List.of(option1, option2), gold);
    }
}
