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

    /**
     * Prints the per-metric rows, then Table 3's columns when {@code table3} is not null; with {@code published}
     * (an imported Cerebras-GPT model's row of Table 8 or 9) a "published" column beside each task's {@code acc}
     * and a published row under Table 3's.
     */
    @SuppressWarnings("unchecked")
    static void print(PrintWriter out, List<Map<String, Object>> rows, Map<String, Double> table3,
            Map<String, Object> published) {
        Map<String, Double> paper = published == null ? Map.of() : (Map<String, Double>) published.get("acc");
        List<String> header = new java.util.ArrayList<>(List.of("task", "docs", "shots", "metric", "value", "stderr"));
        if (published != null) {
            header.add("published");
        }
        Table t = new Table(header.toArray(String[]::new));
        for (Map<String, Object> row : rows) {
            for (Map.Entry<String, Object> e : row.entrySet()) {
                String k = e.getKey();
                if (List.of("task", "type", "docs", "shots").contains(k) || k.endsWith("_stderr")) {
                    continue;
                }
                Object se = row.get(k + "_stderr");
                List<Object> cells = new java.util.ArrayList<>(List.of(row.get("task"), row.get("docs"),
                        row.get("shots"), k, format(e.getValue()), se == null ? "-" : format(se)));
                if (published != null) {
                    Double p = k.equals(TaskResult.ACC) ? paper.get((String) row.get("task")) : null;
                    cells.add(p == null ? "" : format(p));
                }
                t.row(cells.toArray());
            }
        }
        t.print(out);
        if (table3 != null) {
            out.println();
            List<String> cols = new java.util.ArrayList<>(List.of(""));
            cols.addAll(table3.keySet());
            Table summary = new Table(cols.toArray(String[]::new));
            List<Object> measured = new java.util.ArrayList<>(List.of("measured"));
            table3.values().forEach(v -> measured.add(format(v)));
            summary.row(measured.toArray());
            if (published != null) {
                List<Object> pub = new java.util.ArrayList<>(List.of("published"));
                for (String k : table3.keySet()) {
                    Object v = k.equals(AVERAGE) ? published.get(AVERAGE) : paper.get(k);
                    pub.add(v == null ? "" : format(v));
                }
                summary.row(pub.toArray());
            }
            summary.print(out);
        }
        if (published != null) {
            out.println();
            out.printf(Locale.ROOT, "published: %s, %d-shot, %s%n", published.get("model"), published.get("shots"),
                    published.get("source"));
        }
    }

    private static String format(Object v) {
        return String.format(Locale.ROOT, "%.4f", ((Number) v).doubleValue());
    }
}
