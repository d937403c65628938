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
 * @param metrics {@code acc} always; {@code acc_norm} for multiple choice; {@code ppl} for LAMBADA
 */
public record TaskResult(String task, TaskType type, int docs, int shots, Map<String, Double> metrics) {
    /** Metric name: fraction of documents whose highest log-likelihood is the gold answer (LAMBADA: greedy). */
    public static final String ACC = "acc";
    /** Metric name: as {@link #ACC} with log-likelihoods divided by the choice's length in characters. */
    public static final String ACC_NORM = "acc_norm";
    /** Metric name: exp(-mean log-likelihood of the target word) over documents. */
    public static final String PPL = "ppl";

    /** Keeps the metric order. */
    public TaskResult {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
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
