package dev.wafer.domain.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Scores tasks with a model under lm-evaluation-harness v0.3.0 rules (reference-facts 4.1 and 4.2): requests from
 * {@link TaskRequests}, per-document values from each task's {@code process_results}, aggregation and standard errors
 * from {@link HarnessMetrics}.
 */
public final class TaskEvaluator {
    private final RequestBuilder requests;
    private final RequestScoring scoring;
    private final FewShotContexts contexts;
    private final RequestLog log;
    private final int bootstrapIters;
    private final ScoringProgress progress;

    /** An evaluator that builds requests with {@code requests}, asks {@code scorer} and renders contexts with {@code contexts}. */
    public TaskEvaluator(RequestBuilder requests, LogLikelihoodScorer scorer, FewShotContexts contexts) {
        this(requests, RequestScoring.batched(Objects.requireNonNull(scorer, "scorer")), contexts);
    }

    /**
     * An evaluator that builds requests with {@code requests}, scores them with {@code scoring} (for example
     * {@link RequestScoring#sharingContexts}) and renders contexts with {@code contexts}.
     */
    public TaskEvaluator(RequestBuilder requests, RequestScoring scoring, FewShotContexts contexts) {
        this(requests, scoring, contexts, RequestLog.NONE, HarnessMetrics.BOOTSTRAP_ITERS, ScoringProgress.NONE);
    }

    private TaskEvaluator(RequestBuilder requests, RequestScoring scoring, FewShotContexts contexts, RequestLog log,
            int bootstrapIters, ScoringProgress progress) {
        this.progress = Objects.requireNonNull(progress, "progress");
        this.requests = Objects.requireNonNull(requests, "requests");
        this.scoring = Objects.requireNonNull(scoring, "scoring");
        this.contexts = Objects.requireNonNull(contexts, "contexts");
        this.log = Objects.requireNonNull(log, "log");
        if (bootstrapIters < 1) {
            throw new IllegalArgumentException("bootstrapIters must be positive: " + bootstrapIters);
        }
        this.bootstrapIters = bootstrapIters;
    }

    /** This evaluator, also telling {@code log} about every request scored. */
    public TaskEvaluator withRequestLog(RequestLog log) {
        return new TaskEvaluator(requests, scoring, contexts, log, bootstrapIters, progress);
    }

    /** This evaluator, telling {@code progress} after every scored batch (e.g. to print an ETA). */
    public TaskEvaluator withProgress(ScoringProgress progress) {
        return new TaskEvaluator(requests, scoring, contexts, log, bootstrapIters, progress);
    }

    /** This evaluator with another number of bootstrap iterations for perplexity's stderr (harness: 100000). */
    public TaskEvaluator withBootstrapIters(int iters) {
        return new TaskEvaluator(requests, scoring, contexts, log, iters, progress);
    }

    /**
     * Evaluates every task and averages.
     *
     * @throws UnscorableDocumentException when a document's continuation is empty or longer than the window
     */
    public EvalReport evaluate(List<EvalTask> tasks) {
        List<TaskResult> results = new ArrayList<>();
        for (EvalTask task : tasks) {
            results.addAll(evaluateAll(task));
        }
        return EvalReport.of(results);
    }

    /** Evaluates one task; for CrowS-Pairs the whole-set result. */
    public TaskResult evaluate(EvalTask task) {
        return evaluateAll(task).get(0);
    }

    /**
     * Evaluates one task: its result first, then for CrowS-Pairs one result per bias category, named as the
     * harness's per-category tasks ({@code <task>_<bias_type>}, e.g. {@code crows_pairs_english_age}).
     */
    public List<TaskResult> evaluateAll(EvalTask task) {
        int n = task.docs().size();
        // Rendered together: the harness draws every document's examples from one generator in sequence.
        List<String> context = contexts.contexts(task);
        List<HarnessRequest> texts = new ArrayList<>();
        List<int[]> contextIds = new ArrayList<>();
        List<int[]> continuationIds = new ArrayList<>();
        List<LoglikelihoodRequest> built = new ArrayList<>();
        int[] firstOfDoc = new int[n + 1];
        String lastContext = null;
        int[] lastContextIds = null;
        for (int i = 0; i < n; i++) {
            firstOfDoc[i] = texts.size();
            for (HarnessRequest req : TaskRequests.of(i, task.docs().get(i), context.get(i))) {
                // A document's choices share its context string: tokenized once.
                if (!req.context().equals(lastContext)) {
                    lastContext = req.context();
                    lastContextIds = requests.encodeContext(lastContext);
                }
                int[] cont;
                try {
                    cont = requests.encodeContinuation(req.continuation());
                } catch (IllegalArgumentException e) {
                    throw new UnscorableDocumentException(task.where(i) + " (task " + task.name() + ", request "
                            + (texts.size() - firstOfDoc[i] + 1) + " of the document): " + e.getMessage(), e);
                }
                texts.add(req);
                contextIds.add(lastContextIds);
                continuationIds.add(cont);
                built.add(requests.build(lastContextIds, cont));
            }
        }
        firstOfDoc[n] = texts.size();
        String name = task.name();
        List<ContinuationScore> scores = scoring.score(built, k -> progress.advanced(name, k));
        double[][] lls = new double[n][];
        boolean[][] greedy = new boolean[n][];
        for (int i = 0; i < n; i++) {
            int size = firstOfDoc[i + 1] - firstOfDoc[i];
            lls[i] = new double[size];
            greedy[i] = new boolean[size];
            for (int r = 0; r < size; r++) {
                int k = firstOfDoc[i] + r;
                ContinuationScore s = scores.get(k);
                log.scored(name, texts.get(k), contextIds.get(k), continuationIds.get(k), s);
                lls[i][r] = s.logLikelihood();
                greedy[i][r] = s.greedy();
            }
        }
        return switch (task.type()) {
            case MULTIPLE_CHOICE -> List.of(multipleChoice(task, lls));
            case WINOGRANDE -> List.of(winogrande(task, lls));
            case LAMBADA -> List.of(lambada(task, lls, greedy));
            case CROWS_PAIRS -> crowsPairs(task, lls);
        };
    }

    /** base.py {@code MultipleChoiceTask.process_results}: acc and acc_norm (LL / len(choice)), aggregated by mean. */
    private TaskResult multipleChoice(EvalTask task, double[][] lls) {
        int n = lls.length;
        double[] acc = new double[n];
        double[] accNorm = new double[n];
        for (int i = 0; i < n; i++) {
            MultipleChoiceDoc doc = (MultipleChoiceDoc) task.docs().get(i);
            acc[i] = argmax(lls[i]) == doc.gold() ? 1.0 : 0.0;
            accNorm[i] = argmax(normalised(lls[i], doc.choices())) == doc.gold() ? 1.0 : 0.0;
        }
        Aggregate a = new Aggregate();
        a.mean(TaskResult.ACC, acc);
        a.mean(TaskResult.ACC_NORM, accNorm);
        return a.result(task.name(), task.type(), n, contexts.shots());
    }

    /** winogrande.py {@code Winogrande.process_results}: {@code np.argmax(results) == answer_to_num[answer]}. */
    private TaskResult winogrande(EvalTask task, double[][] lls) {
        double[] acc = new double[lls.length];
        for (int i = 0; i < lls.length; i++) {
            acc[i] = argmax(lls[i]) == ((WinograndeDoc) task.docs().get(i)).gold() ? 1.0 : 0.0;
        }
        Aggregate a = new Aggregate();
        a.mean(TaskResult.ACC, acc);
        return a.result(task.name(), task.type(), lls.length, contexts.shots());
    }

    /**
     * lambada.py {@code LambadaBase.process_results}/{@code aggregation}: acc = mean of is_greedy; ppl =
     * {@code perplexity} of the per-document log-likelihoods (per document, not per token), its stderr bootstrapped.
     */
    private TaskResult lambada(EvalTask task, double[][] lls, boolean[][] greedy) {
        double[] acc = new double[lls.length];
        double[] ll = new double[lls.length];
        for (int i = 0; i < lls.length; i++) {
            acc[i] = greedy[i][0] ? 1.0 : 0.0;
            ll[i] = lls[i][0];
        }
        Aggregate a = new Aggregate();
        a.metrics.put(TaskResult.PPL, HarnessMetrics.perplexity(ll));
        a.stderrs.put(TaskResult.PPL, HarnessMetrics.bootstrapStderr(HarnessMetrics::perplexity, ll, bootstrapIters));
        a.mean(TaskResult.ACC, acc);
        return a.result(task.name(), task.type(), lls.length, contexts.shots());
    }

    /**
     * crowspairs.py {@code CrowsPairsMutilingual.process_results} (likelihood_difference, ea3df93) and its
     * {@code pct_stereotype} (f9eca2c, the next commit): {@code abs(ll_more - ll_less)} and {@code ll_more > ll_less},
     * each aggregated by mean; then the same per bias category (the harness's {@code BIAS_TYPE} filter,
     * {@code bias_type.startswith(BIAS_TYPE)}, is equality for the categories the data has).
     */
    private List<TaskResult> crowsPairs(EvalTask task, double[][] lls) {
        List<TaskResult> out = new ArrayList<>();
        Map<String, List<Integer>> byBias = new TreeMap<>();
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < lls.length; i++) {
            all.add(i);
            byBias.computeIfAbsent(((CrowsPairsDoc) task.docs().get(i)).biasType(), k -> new ArrayList<>()).add(i);
        }
        out.add(crowsPairs(task.name(), all, lls));
        byBias.forEach((bias, docs) -> out.add(crowsPairs(task.name() + "_" + bias, docs, lls)));
        return out;
    }

    private TaskResult crowsPairs(String name, List<Integer> docs, double[][] lls) {
        double[] diff = new double[docs.size()];
        double[] stereo = new double[docs.size()];
        for (int j = 0; j < docs.size(); j++) {
            double[] ll = lls[docs.get(j)];
            diff[j] = Math.abs(ll[0] - ll[1]);
            stereo[j] = ll[0] > ll[1] ? 1.0 : 0.0;
        }
        Aggregate a = new Aggregate();
        a.mean(TaskResult.LIKELIHOOD_DIFFERENCE, diff);
        a.mean(TaskResult.PCT_STEREOTYPE, stereo);
        return a.result(name, TaskType.CROWS_PAIRS, docs.size(), contexts.shots());
    }

    /** Metrics with their stderrs: {@code mean} is aggregated with {@code mean_stderr} ({@code stderr_for_metric}). */
    private static final class Aggregate {
        final Map<String, Double> metrics = new LinkedHashMap<>();
        final Map<String, Double> stderrs = new LinkedHashMap<>();

        void mean(String name, double[] values) {
            metrics.put(name, HarnessMetrics.mean(values));
            double se = HarnessMetrics.meanStderr(values);
            if (!Double.isNaN(se)) {
                stderrs.put(name, se);
            }
        }

        TaskResult result(String task, TaskType type, int docs, int shots) {
            return new TaskResult(task, type, docs, shots, metrics, stderrs);
        }
    }

    /** The harness's {@code append_context}; see {@link TaskRequests}. */
    static String appendContext(String context, String partialContext) {
        return TaskRequests.appendContext(context, partialContext);
    }

    /** LL_i divided by the choice's length in characters (Python {@code len}: code points), as acc_norm uses. */
    static double[] normalised(double[] ll, List<String> choices) {
        double[] out = new double[ll.length];
        for (int i = 0; i < ll.length; i++) {
            String c = choices.get(i);
            out[i] = ll[i] / PythonStrings.len(c);
        }
        return out;
    }

    /**
     * numpy's argmax: the first index of the maximum, or of the first NaN (an empty choice's acc_norm whose
     * log-likelihood is exactly 0 is 0 / 0).
     */
    static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length && !Double.isNaN(values[best]); i++) {
            if (values[i] > values[best] || Double.isNaN(values[i])) {
                best = i;
            }
        }
        return best;
    }
}
