package dev.wafer.domain.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metrics of one task.
 *
 * @param task    task name
 * @param type    scoring rule
 * @param docs    number of documents scored
 * @param shots   few-shot examples per context
 * @param metrics {@code acc} for every type but CrowS-Pairs; {@code acc_norm} for multiple choice; {@code ppl} for
 *                LAMBADA; {@code likelihood_difference} and {@code pct_stereotype} for CrowS-Pairs
 * @param stderrs the standard error of each metric that has one, as the harness reports {@code <metric>_stderr}
 */
public record TaskResult(String task, TaskType type, int docs, int shots, Map<String, Double> metrics,
        Map<String, Double> stderrs) {
    /** Metric name: fraction of documents whose highest log-likelihood is the gold answer (LAMBADA: greedy). */
    public static final String ACC = "acc";
    /** Metric name: as {@link #ACC} with log-likelihoods divided by the choice's length in characters. */
    public static final String ACC_NORM = "acc_norm";
    /** Metric name: exp(-mean log-likelihood of the target word) over documents. */
    public static final String PPL = "ppl";
    /** Metric name: mean over pairs of |LL(sent_more) - LL(sent_less)|. */
    public static final String LIKELIHOOD_DIFFERENCE = "likelihood_difference";
    /** Metric name: fraction of pairs where the more stereotyping sentence is more likely. */
    public static final String PCT_STEREOTYPE = "pct_stereotype";

    /** Keeps the metric order. */
    public TaskResult {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        stderrs = Collections.unmodifiableMap(new LinkedHashMap<>(stderrs));
    }

    /** A result without standard errors. */
    public TaskResult(String task, TaskType type, int docs, int shots, Map<String, Double> metrics) {
        this(task, type, docs, shots, metrics, Map.of());
    }

    /** A metric's value; throws if the task does not have it. */
    public double metric(String name) {
        Double v = metrics.get(name);
        if (v == null) {
            throw new IllegalArgumentException("task " + task + " has no metric " + name + "; it has " + metrics.keySet());
        }
        return v;
    }
}
