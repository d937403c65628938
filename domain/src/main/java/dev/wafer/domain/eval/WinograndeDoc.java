package dev.wafer.domain.eval;

import java.util.List;

/**
 * A WinoGrande sentence with a blank {@code _} and two options.
 *
 * @param sentence the sentence containing exactly one {@code _}
 * @param options  the two fillers
 * @param gold     index (0 or 1) of the correct filler
 */
public record WinograndeDoc(String sentence, List<String> options, int gold) implements EvalDoc {
    /** Requires a blank, two options and a gold index. */
    public WinograndeDoc {
        options = List.copyOf(options);
        if (sentence.indexOf('_') < 0) {
            throw new IllegalArgumentException("a WinoGrande sentence needs a '_' blank: " + sentence);
        }
        if (options.size() != 2) {
            throw new IllegalArgumentException("a WinoGrande document has exactly two options, got " + options.size());
        }
        if (gold != 0 && gold != 1) {
            throw new IllegalArgumentException("WinoGrande gold must be 0 or 1, got " + gold);
        }
    }

    /** The sentence up to the blank with {@code option} in its place, and nothing after. */
    public String partialContext(String option) {
        return sentence.substring(0, sentence.indexOf('_')) + option;
    }

    /** Everything after the blank, stripped as Python strips, with one leading space: the continuation scored for both options. */
    public String partialTarget() {
        return " " + PythonStrings.strip(sentence.substring(sentence.indexOf('_') + 1));
    }

    @Override
    public String text() {
        return partialContext(options.get(gold));
    }

    @Override
    public String target() {
        return partialTarget();
    }

    @Override
    public TaskType type() {
        return TaskType.WINOGRANDE;
    }
}
