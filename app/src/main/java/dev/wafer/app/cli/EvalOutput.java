package dev.wafer.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.wafer.domain.eval.EvalReport;
import dev.wafer.domain.eval.TaskResult;

/** What {@code wafer eval} prints: its result map as JSON or as text tables. */
final class EvalOutput {
    private EvalOutput() {
    }

    /** One JSON row per task: name, type, documents, shots, metrics and their standard errors. */
    static List<Map<String, Object>> taskRows(EvalReport report) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (TaskResult t : report.tasks()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("task", t.task());
            row.put("type", t.type().id());
            row.put("docs", t.docs());
            row.put("shots", t.shots());
            row.putAll(t.metrics());
            t.stderrs().forEach((k, v) -> row.put(k + "_stderr", v));
            rows.add(row);
        }
        return rows;
    }

    /** Prints {@code result} as JSON, or as the paper's table (harness tasks) or a plain task table. */
    @SuppressWarnings("unchecked")
    static void print(PrintWriter out, Map<String, Object> result, boolean json, boolean oneHarnessTask) {
        if (json) {
            try {
                out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(result));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            out.flush();
            return;
        }
        if (result.containsKey("loss_nats_per_token")) {
            out.printf(Locale.ROOT, "test loss %.4f nats/token over %d tokens (%d windows of %d)%n",
                    (double) result.get("loss_nats_per_token"), (long) result.get("tokens"),
                    (long) result.get("windows"), (int) result.get("sequence_length"));
            if (result.containsKey("loss_gpt2_equivalent")) {
                out.printf(Locale.ROOT, "per GPT-2 token: %.4f nats (--gpt2-tokens scaled to the scored part: %.1f)%n",
                        (double) result.get("loss_gpt2_equivalent"), (double) result.get("gpt2_tokens_scored"));
            }
        }
        if (result.containsKey("tasks") && (oneHarnessTask || result.containsKey("table3"))) {
            PaperTable.print(out, (List<Map<String, Object>>) result.get("tasks"),
                    (Map<String, Double>) result.get("table3"), (Map<String, Object>) result.get("published"));
        } else if (result.containsKey("tasks")) {
            Table table = new Table("task", "type", "docs", "shots", "acc", "acc_norm", "ppl");
            for (Map<String, Object> row : (List<Map<String, Object>>) result.get("tasks")) {
                table.row(row.get("task"), row.get("type"), row.get("docs"), row.get("shots"), metric(row, "acc"),
                        metric(row, "acc_norm"), metric(row, "ppl"));
            }
            Map<String, Double> avg = (Map<String, Double>) result.get("average");
            table.row("average", "", "", "", metric(avg, "acc"), metric(avg, "acc_norm"), "");
            table.print(out);
        }
        if (result.get("scoring") instanceof Map<?, ?> scoring) {
            out.println("scoring: " + scoring.get("method") + ", " + scoring.get("layer_positions")
                    + " positions through the layers"
                    + (scoring.containsKey("why") ? " (" + scoring.get("why") + ")" : ""));
        }
        out.flush();
    }

    private static String metric(Map<String, ?> row, String name) {
        Object v = row.get(name);
        return v == null ? "-" : String.format(Locale.ROOT, "%.4f", ((Number) v).doubleValue());
    }
}
