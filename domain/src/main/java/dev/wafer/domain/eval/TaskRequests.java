package dev.wafer.domain.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The loglikelihood requests of one document, built as lm-evaluation-harness v0.3.0 builds them from the document's
 * (few-shot) context. Every request the evaluator scores comes from here, so a written request list is what was scored.
 */
public final class TaskRequests {
    private TaskRequests() {
    }

    /**
     * The requests of {@code doc} given its rendered context ({@code Task.fewshot_context}).
     *
     * @param docIndex the document's index, carried into each request
     * @param doc      the document
     * @param context  its context: description, examples and {@code doc_to_text(doc)}
     */
    public static List<HarnessRequest> of(int docIndex, EvalDoc doc, String context) {
        List<HarnessRequest> out = new ArrayList<>();
        switch (doc) {
            // base.py MultipleChoiceTask.construct_requests: rf.loglikelihood(ctx, " {}".format(choice)) per choice.
            case MultipleChoiceDoc mc -> mc.choices().forEach(c -> out.add(new HarnessRequest(docIndex, context, " " + c)));
            // winogrande.py Winogrande.construct_requests: the same partial_target after append_context(ctx,
            // partial_context(doc, option)) for option1 then option2.
            case WinograndeDoc w -> w.options().forEach(o ->
                    out.add(new HarnessRequest(docIndex, appendContext(context, w.partialContext(o)), w.partialTarget())));
            // lambada.py LambadaBase.construct_requests: rf.loglikelihood(ctx, doc_to_target(doc)).
            case LambadaDoc l -> out.add(new HarnessRequest(docIndex, context, l.target()));
            // crowspairs.py CrowsPairsMutilingual.construct_requests: loglikelihood("", sent_more), ("", sent_less).
            case CrowsPairsDoc c -> {
                out.add(new HarnessRequest(docIndex, "", c.sentMore()));
                out.add(new HarnessRequest(docIndex, "", c.sentLess()));
            }
        }
        return out;
    }

    /** How many requests {@code tasks} make in all (the count does not depend on the contexts). */
    public static long count(List<EvalTask> tasks) {
        long n = 0;
        for (EvalTask t : tasks) {
            for (EvalDoc d : t.docs()) {
                n += of(0, d, "").size();
            }
        }
        return n;
    }

    /**
     * winogrande.py {@code Winogrande.append_context}: split on {@code "\n\n"}, drop the last piece (the document's
     * own {@code doc_to_text}), and append the partial context. Python's split keeps empty pieces, so this does too.
     */
    static String appendContext(String context, String partialContext) {
        List<String> pieces = new ArrayList<>(Arrays.asList(context.split("\n\n", -1)));
        pieces.remove(pieces.size() - 1);
        pieces.add(partialContext);
        return String.join("\n\n", pieces);
    }
}
