package dev.wafer.domain.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-task results and their averages.
 *
 * @param tasks    one result per task, in evaluation order
 * @param averages unweighted mean over tasks of each metric, over the tasks that have it: {@code acc} over every task,
 *                 {@code acc_norm} over the multiple-choice tasks (both are reported, because papers differ on which
 *                 they quote; reference-facts 6, pain point 13)
 */
public record EvalReport(List<TaskResult> tasks, Map<String, Double> averages) {
    /** Copies the inputs. */
    public EvalReport {
        tasks = List.copyOf(tasks);
        averages = Collections.unmodifiableMap(new LinkedHashMap<>(averages));
    }

    /** Computes the averages of {@code acc} and {@code acc_norm}. */
    public static EvalReport of(List<TaskResult> tasks) {
        Map<String, Double> averages = new LinkedHashMap<>();
        for (String metric : List.of(TaskResult.ACC, TaskResult.ACC_NORM)) {
            double sum = 0;
            int n = 0;
            for (TaskResult t : tasks) {
                Double v = t.metrics().get(metric);
                if (v != null) {
                    sum += v;
                    n++;
                }
            }
            if (n > 0) {
                averages.put(metric, sum / n);
            }
        }
        return new EvalReport(tasks, averages);
    }
}
