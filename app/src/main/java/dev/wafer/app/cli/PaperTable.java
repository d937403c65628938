package dev.wafer.app.cli;

import dev.wafer.domain.eval.EvalReport;
import dev.wafer.domain.eval.TaskResult;
import dev.wafer.domain.eval.harness.HarnessTask;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Harness-style output: one row per task and metric with its stderr (as the harness's {@code make_table}), and the
 * paper's Table 3 columns: each task's {@code acc} in the paper's order (LAMBADA's is its greedy last-word accuracy)
 * and the downstream average, their unweighted mean.
 */
final class PaperTable {
    /** Name of the average column. */
    static final String AVERAGE = "downstream_average";

    private PaperTable() {
    }

    /** Table 3's columns from a report holding the seven tasks. */
    static Map<String, Double> columns(EvalReport report) {
        Map<String, Double> out = new LinkedHashMap<>();
        double sum = 0;
        for (HarnessTask t : HarnessTask.PAPER) {
            TaskResult r = report.tasks().stream().filter(x -> x.task().equals(t.harnessName())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no result for " + t.harnessName()));
            double acc = r.metric(TaskResult.ACC);
            out.put(t.harnessName(), acc);
            sum += acc;
        }
        out.put(AVERAGE, sum / HarnessTask.PAPER.size());
        return out;
    }

    /** Prints the per-metric rows, then Table 3's columns when {@code table3} is not null. */
    static void print(PrintWriter out, List<Map<String, Object>> rows, Map<String, Double> table3) {
        Table t = new Table("task", "docs", "shots", "metric", "value", "stderr");
        for (Map<String, Object> row : rows) {
            for (Map.Entry<String, Object> e : row.entrySet()) {
                String k = e.getKey();
                if (List.of("task", "type", "docs", "shots").contains(k) || k.endsWith("_stderr")) {
                    continue;
                }
                Object se = row.get(k + "_stderr");
                t.row(row.get("task"), row.get("docs"), row.get("shots"), k, format(e.getValue()),
                        se == null ? "-" : format(se));
            }
        }
        t.print(out);
        if (table3 != null) {
            out.println();
            Table paper = new Table(table3.keySet().toArray(String[]::new));
            paper.row(table3.values().stream().map(PaperTable::format).toArray());
            paper.print(out);
        }
    }

    private static String format(Object v) {
        return String.format(Locale.ROOT, "%.4f", ((Number) v).doubleValue());
    }
}
