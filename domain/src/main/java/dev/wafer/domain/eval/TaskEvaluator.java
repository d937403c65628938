package dev.wafer.domain.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Scores tasks with a model under lm-evaluation-harness v0.3.0 rules (reference-facts 4.1 and 4.2). */
public final class TaskEvaluator {
    private final RequestBuilder requests;
    private final LogLikelihoodScorer scorer;
    private final FewShotContexts contexts;

    /** An evaluator that builds requests with {@code requests}, asks {@code scorer} and renders contexts with {@code contexts}. */
    public TaskEvaluator(RequestBuilder requests, LogLikelihoodScorer scorer, FewShotContexts contexts) {
        this.requests = Objects.requireNonNull(requests, "requests");
        this.scorer = Objects.requireNonNull(scorer, "scorer");
        this.contexts = Objects.requireNonNull(contexts, "contexts");
    }

    /** Evaluates every task and averages. */
    public EvalReport evaluate(List<EvalTask> tasks) {
        List<TaskResult> results = new ArrayList<>();
        for (EvalTask task : tasks) {
            results.add(evaluate(task));
        }
        return EvalReport.of(results);
    }

    /** Evaluates one task. */
    public TaskResult evaluate(EvalTask task) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        int n = task.docs().size();
        // Rendered together: the harness draws every document's examples from one generator in sequence.
        List<String> context = contexts.contexts(task);
        switch (task.type()) {
            case MULTIPLE_CHOICE -> {
                int acc = 0;
                int accNorm = 0;
                for (int i = 0; i < n; i++) {
                    MultipleChoiceDoc doc = (MultipleChoiceDoc) task.docs().get(i);
                    double[] ll = multipleChoice(context.get(i), doc.choices());
                    acc += argmax(ll) == doc.gold() ? 1 : 0;
                    accNorm += argmax(normalised(ll, doc.choices())) == doc.gold() ? 1 : 0;
                }
                metrics.put(TaskResult.ACC, acc / (double) n);
                metrics.put(TaskResult.ACC_NORM, accNorm / (double) n);
            }
            case WINOGRANDE -> {
                int acc = 0;
                for (int i = 0; i < n; i++) {
                    WinograndeDoc doc = (WinograndeDoc) task.docs().get(i);
                    acc += argmax(winogrande(context.get(i), doc)) == doc.gold() ? 1 : 0;
                }
                metrics.put(TaskResult.ACC, acc / (double) n);
            }
            case LAMBADA -> {
                int greedy = 0;
                double sumLl = 0;
                for (int i = 0; i < n; i++) {
                    LambadaDoc doc = (LambadaDoc) task.docs().get(i);
                    ContinuationScore s = requests.build(context.get(i), doc.target()).scoreWith(scorer);
                    greedy += s.greedy() ? 1 : 0;
                    sumLl += s.logLikelihood();
                }
                metrics.put(TaskResult.ACC, greedy / (double) n);
                // Per-document perplexity, as the harness reports it: not per token.
                metrics.put(TaskResult.PPL, Math.exp(-sumLl / n));
            }
        }
        return new TaskResult(task.name(), task.type(), n, contexts.shots(), metrics);
    }

    /** Log-likelihood of {@code " " + choice} after the context, for each choice. */
    double[] multipleChoice(String context, List<String> choices) {
        double[] ll = new double[choices.size()];
        for (int c = 0; c < ll.length; c++) {
            ll[c] = requests.build(context, " " + choices.get(c)).scoreWith(scorer).logLikelihood();
        }
        return ll;
    }

    /**
     * WinoGrande partial scoring: the same continuation (the sentence after the blank) scored after each option
     * substituted into the context, as the harness's {@code append_context} builds it.
     */
    double[] winogrande(String fewShotContext, WinograndeDoc doc) {
        double[] ll = new double[2];
        for (int o = 0; o < 2; o++) {
            String context = appendContext(fewShotContext, doc.partialContext(doc.options().get(o)));
            ll[o] = requests.build(context, doc.partialTarget()).scoreWith(scorer).logLikelihood();
        }
        return ll;
    }

    /**
     * The harness's {@code append_context}: split on {@code "\n\n"}, drop the last piece (the document's own
     * {@code doc_to_text}), and append the partial context. Python's split keeps empty pieces, so this does too.
     */
    static String appendContext(String context, String partialContext) {
        List<String> pieces = new ArrayList<>(Arrays.asList(context.split("\n\n", -1)));
        pieces.remove(pieces.size() - 1);
        pieces.add(partialContext);
        return String.join("\n\n", pieces);
    }

    /** LL_i divided by the choice's length in characters (Python {@code len}: code points), as acc_norm uses. */
    static double[] normalised(double[] ll, List<String> choices) {
        double[] out = new double[ll.length];
        for (int i = 0; i < ll.length; i++) {
            String c = choices.get(i);
            out[i] = ll[i] / c.codePointCount(0, c.length());
        }
        return out;
    }

    /** The first index of the maximum, as numpy's argmax breaks ties. */
    static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
