package dev.wafer.domain.eval.harness;

import dev.wafer.domain.eval.MultipleChoiceDoc;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** hellaswag.py {@code HellaSwag}: the query and endings after the harness's {@code preprocess}. */
public final class HellaSwag {
    private static final Pattern BRACKETED = Pattern.compile("\\[.*?\\]");

    private HellaSwag() {
    }

    /**
     * {@code HellaSwag._process_doc}: {@code ctx = ctx_a + " " + ctx_b.capitalize()}, query
     * {@code preprocess(activity_label + ": " + ctx)}, choices {@code preprocess(ending)}, gold {@code int(label)}.
     */
    public static MultipleChoiceDoc doc(String activityLabel, String ctxA, String ctxB, List<String> endings, int label) {
        String ctx = ctxA + " " + capitalize(ctxB);
        return new MultipleChoiceDoc(preprocess(activityLabel + ": " + ctx),
                endings.stream().map(HellaSwag::preprocess).toList(), label);
    }

    /**
     * {@code HellaSwag.preprocess}: strip; {@code " [title]"} becomes {@code ". "}; every {@code [...]} is removed
     * (non-greedy); then one pass replacing double spaces with one.
     */
    public static String preprocess(String text) {
        String t = text.strip();
        t = t.replace(" [title]", ". ");
        t = BRACKETED.matcher(t).replaceAll("");
        return t.replace("  ", " ");
    }

    /** Python's {@code str.capitalize}: the first character title-cased, the rest lower-cased. */
    static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        int len = Character.charCount(first);
        return new StringBuilder().appendCodePoint(Character.toTitleCase(first))
                .append(s.substring(len).toLowerCase(Locale.ROOT)).toString();
    }
}
