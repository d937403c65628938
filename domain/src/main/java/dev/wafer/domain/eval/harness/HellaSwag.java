package dev.wafer.domain.eval.harness;

import dev.wafer.domain.eval.MultipleChoiceDoc;
import dev.wafer.domain.eval.PythonStrings;
import java.util.List;
import java.util.regex.Pattern;

/** hellaswag.py {@code HellaSwag}: the query and endings after the harness's {@code preprocess}. */
public final class HellaSwag {
    private static final Pattern BRACKETED = PythonStrings.pattern("\\[.*?\\]");

    private HellaSwag() {
    }

    /**
     * {@code HellaSwag._process_doc}: {@code ctx = ctx_a + " " + ctx_b.capitalize()}, query
     * {@code preprocess(activity_label + ": " + ctx)}, choices {@code preprocess(ending)}, gold {@code int(label)}.
     */
    public static MultipleChoiceDoc doc(String activityLabel, String ctxA, String ctxB, List<String> endings, int label) {
        String ctx = ctxA + " " + PythonStrings.capitalize(ctxB);
        return new MultipleChoiceDoc(preprocess(activityLabel + ": " + ctx),
                endings.stream().map(HellaSwag::preprocess).toList(), label);
    }

    /**
     * {@code HellaSwag.preprocess}: Python's strip; {@code " [title]"} becomes {@code ". "}; every {@code [...]} not
     * spanning a {@code \n} is removed (non-greedy, Python's {@code .}); then one pass replacing double spaces with one.
     */
    public static String preprocess(String text) {
        String t = PythonStrings.strip(text);
        t = t.replace(" [title]", ". ");
        t = BRACKETED.matcher(t).replaceAll("");
        return t.replace("  ", " ");
    }
}
