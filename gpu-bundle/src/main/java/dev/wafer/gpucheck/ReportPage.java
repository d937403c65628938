package dev.wafer.gpucheck;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The report as a Markdown page ({@code gpu-check.md} beside {@code gpu-check.json}), written with the JSON: the
 * device, every bench beside its PyTorch anchors, the goals, training, tests, where a profiled step goes, and every
 * phase with its time. Why: a GPU is lent for minutes, and its figures go into the docs; a page made from the report
 * itself puts them there without copying numbers by hand, and says next to each what did not run and why. It reads
 * whatever the report holds, so an interrupted run's page shows the phases that ended.
 */
final class ReportPage {
    /** Kernels listed per profiled bench, the slowest first. */
    static final int PROFILE_ROWS = 12;
    /** Characters of a failed test's detail kept in the page (the JSON keeps it whole). */
    static final int DETAIL_CHARACTERS = 240;
    private static final String NONE = "—";

    private final JsonNode report;
    private final StringBuilder out = new StringBuilder();

    private ReportPage(JsonNode report) {
        this.report = report;
    }

    /** The page of {@code report}, a report as {@link Report} writes it, complete or not. */
    static String render(JsonNode report) {
        ReportPage page = new ReportPage(report);
        page.header();
        page.benches();
        page.goals();
        page.training();
        page.tests();
        page.profiles();
        page.phaseTimes();
        page.list("Problems", report.path("problems"));
        page.list("Notes", report.path("notes"));
        return page.out.toString();
    }

    private void header() {
        String status = report.path("status").asText("unknown");
        String verdict = !status.equals("complete") ? status.toUpperCase(Locale.ROOT)
                : report.path("ok").asBoolean() ? "PASS" : "FAIL";
        line("# GPU check (" + report.path("mode").asText("?") + "): " + verdict + ", "
                + report.path("started_at").asText("start unknown"));
        line("");
        if (!report.path("mode").asText().equals("gpu")) {
            line("**Not a GPU run**: the figures below come from a " + report.path("mode").asText()
                    + " run and say nothing about a GPU's speed.");
            line("");
        }
        JsonNode d = report.path("device");
        line("| | |");
        line("|---|---|");
        cells("run as", "`" + text(report, "command") + "`");
        cells("GPU", text(d, "gpu") + " (compute capability " + text(d, "compute_capability") + ", "
                + text(d, "sm_count") + " SMs, " + gib(d.path("total_memory_bytes")) + ")");
        cells("driver, NVRTC, cuBLAS", text(d, "driver") + "; " + text(d, "nvrtc") + "; " + text(d, "cublas"));
        cells("kernels of the benches", text(report, "bench_kernel_variant") + ": "
                + text(report, "bench_kernel_variant_reason"));
        cells("bf16 peak", number(report.path("bf16_peak_tflops"), "%.1f") + " TFLOP/s ("
                + (report.path("bf16_peak_known").asBoolean() ? "datasheet" : text(report, "bf16_peak_source")) + ")");
        cells("deadline, wall time", number(report.path("deadline_seconds"), "%.0f") + " s, "
                + number(report.path("seconds"), "%.1f") + " s");
        line("");
        if (report.path("summary").isTextual()) {
            line("Summary line: `" + report.path("summary").asText().replace("`", "'") + "`");
            line("");
        }
    }

    /** Every bench with its anchors' tokens/s in the same run; reruns (unfused, bias kernels, profiled) included. */
    private void benches() {
        List<JsonNode> benches = phases("bench");
        if (benches.isEmpty()) {
            return;
        }
        line("## Benches");
        line("");
        line("| case | kernels | status | Wafer tokens/s | step s | GEMM peak, same run (TFLOP/s) | App. F share of it"
                + " | bf16 share of the GPU's peak | PyTorch eager tokens/s | Wafer / eager | torch.compile tokens/s"
                + " | Wafer / compile |");
        line("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (JsonNode b : benches) {
            JsonNode w = b.path("wafer");
            boolean ok = b.path("status").asText().equals(Report.OK);
            double tokens = w.path("tokens_per_s").asDouble(Double.NaN);
            String[] eager = anchor("pytorch eager " + b.path("case").asText(), ok ? tokens : Double.NaN);
            String[] compile = anchor("pytorch compile " + b.path("case").asText(), ok ? tokens : Double.NaN);
            cells(b.path("case").asText(), text(b, "kernel_variant"), text(b, "status"),
                    ok ? number(w.path("tokens_per_s"), "%,.1f") : NONE,
                    ok ? number(w.path("step_seconds"), "%.4f") : NONE,
                    ok ? scaled(w.path("peak_gemm_flops_per_s"), 1e-12, "%.1f") : NONE,
                    ok ? percent(w.path("share_of_peak")) : NONE,
                    ok ? percent(b.path("fraction_of_bf16_peak")) : NONE,
                    eager[0], eager[1], compile[0], compile[1]);
        }
        line("");
    }

    /** An anchor's tokens/s and Wafer's ratio to it, or why there is none. */
    private String[] anchor(String name, double wafer) {
        for (JsonNode p : report.path("phases")) {
            if (p.path("name").asText().equals(name)) {
                if (!p.path("status").asText().equals(Report.OK)) {
                    return new String[] {p.path("status").asText(), NONE};
                }
                double tokens = p.path("torch").path("tokens_per_s").asDouble(Double.NaN);
                String standIn = p.path("stand_in").asBoolean() ? " (stand-in)" : "";
                return new String[] {format("%,.1f", tokens) + standIn,
                    Double.isFinite(wafer) && tokens > 0 ? format("%.2fx", wafer / tokens) + standIn : NONE};
            }
        }
        return new String[] {"not run", NONE};
    }

    private void goals() {
        JsonNode goals = report.path("goals");
        if (!goals.isArray() || goals.isEmpty()) {
            return;
        }
        line("## Goals (issue #20)");
        line("");
        line("| goal | case | figures | ratio | verdict |");
        line("|---|---|---|---|---|");
        for (JsonNode g : goals) {
            List<String> figures = new ArrayList<>();
            for (var field : g.properties()) {
                if (field.getKey().endsWith("_tokens_per_s") && field.getValue().isNumber()) {
                    figures.add(field.getKey().replace("_tokens_per_s", "") + " "
                            + format("%,.1f", field.getValue().asDouble()) + " tokens/s");
                }
            }
            if (g.path("fraction").isNumber()) {
                figures.add(percent(g.path("fraction")) + " of " + number(g.path("bf16_peak_tflops"), "%.1f")
                        + " TFLOP/s (goal " + percent(g.path("target_fraction")) + ")");
            }
            String verdict = g.path("unmeasured").isTextual() ? "unmeasured: " + g.path("unmeasured").asText()
                    : g.path("faster").isTextual() ? "faster: " + g.path("faster").asText()
                    : g.path("met").isBoolean() ? (g.path("met").asBoolean() ? "met" : "**not met**") : NONE;
            cells(text(g, "goal"), text(g, "case"), figures.isEmpty() ? NONE : String.join("; ", figures),
                    g.path("ratio").isNumber() ? format("%.2fx", g.path("ratio").asDouble()) : NONE, verdict);
        }
        line("");
    }

    private void training() {
        JsonNode t = report.path("training");
        List<JsonNode> runs = phases("train");
        if (runs.isEmpty() && t.isMissingNode()) {
            return;
        }
        line("## Training");
        line("");
        if (!t.isMissingNode()) {
            line("Validation loss on the device " + number(t.path("device_validation_loss"), "%.6f") + ", on the CPU "
                    + number(t.path("cpu_validation_loss"), "%.6f") + ": " + percent(t.path("device_vs_cpu_relative"))
                    + " apart (within " + percent(t.path("tolerance_relative")) + ": "
                    + text(t, "device_vs_cpu_within_tolerance") + "). Stopped and resumed: final loss "
                    + number(t.path("resumed_final_loss"), "%.6f") + " against " + number(
                    t.path("uninterrupted_final_loss"), "%.6f") + " uninterrupted (exact: " + text(t, "resume_exact")
                    + ").");
            line("");
        }
        line("| run | kernels | status | last step | final loss | validation loss | s |");
        line("|---|---|---|---|---|---|---|");
        for (JsonNode r : runs) {
            cells(r.path("name").asText(), text(r, "kernel_variant"), text(r, "status"),
                    number(r.path("last_step"), "%.0f"), number(r.path("final_loss"), "%.6f"),
                    number(r.path("validation_loss"), "%.6f"), number(r.path("seconds"), "%.1f"));
        }
        line("");
    }

    private void tests() {
        List<JsonNode> runs = phases("tests");
        if (runs.isEmpty()) {
            return;
        }
        line("## Tests");
        line("");
        line("| phase | kernels | status | passed | failed | skipped | s |");
        line("|---|---|---|---|---|---|---|");
        List<String> failures = new ArrayList<>();
        for (JsonNode r : runs) {
            cells(r.path("name").asText(), text(r, "kernel_variant"), text(r, "status"),
                    number(r.path("passed"), "%.0f"), number(r.path("failed"), "%.0f"),
                    number(r.path("skipped"), "%.0f"), number(r.path("seconds"), "%.1f"));
            for (JsonNode result : r.path("results")) {
                if (!result.path("status").asText().equals("passed") && !result.path("status").asText()
                        .equals("skipped")) {
                    String detail = result.path("detail").asText().replaceAll("\\s+", " ");
                    failures.add(r.path("name").asText() + ": " + result.path("test").asText() + " "
                            + result.path("status").asText() + (detail.isEmpty() ? "" : ": "
                            + detail.substring(0, Math.min(detail.length(), DETAIL_CHARACTERS))));
                }
            }
        }
        line("");
        if (!failures.isEmpty()) {
            failures.forEach(f -> line("- " + f));
            line("");
        }
    }

    /** The slowest kernels of each profiled bench. */
    private void profiles() {
        for (JsonNode b : phases("bench")) {
            JsonNode p = b.path("wafer").path("profile");
            if (!p.isObject()) {
                continue;
            }
            line("## Where a step goes: " + b.path("case").asText());
            line("");
            line("Step " + number(p.path("mean_step_seconds"), "%.4f") + " s over " + number(p.path("steps"), "%.0f")
                    + " profiled steps (the device synchronised around every call), kernels "
                    + number(p.path("kernel_seconds_per_step"), "%.4f") + " s, outside them "
                    + number(p.path("outside_kernels_seconds_per_step"), "%.4f") + " s; streaming bandwidth "
                    + number(p.path("stream_gbytes_per_s"), "%.1f") + " GB/s (" + text(p, "stream") + ").");
            line("");
            line("| kernel | s/step | share of step | calls/step | product GFLOP/s | tensor GB/s | share of stream |");
            line("|---|---|---|---|---|---|---|");
            List<JsonNode> kernels = new ArrayList<>();
            p.path("kernels").forEach(kernels::add);
            kernels.sort(Comparator.comparingDouble((JsonNode k) -> k.path("seconds_per_step").asDouble()).reversed());
            for (JsonNode k : kernels.subList(0, Math.min(PROFILE_ROWS, kernels.size()))) {
                cells(k.path("kernel").asText(), number(k.path("seconds_per_step"), "%.5f"),
                        percent(k.path("share_of_step")), number(k.path("calls_per_step"), "%.0f"),
                        number(k.path("product_gflop_per_s"), "%,.1f"), number(k.path("tensor_gbytes_per_s"), "%.1f"),
                        percent(k.path("share_of_stream")));
            }
            if (kernels.size() > PROFILE_ROWS) {
                line("");
                line((kernels.size() - PROFILE_ROWS) + " faster kernels are in the JSON report.");
            }
            line("");
        }
    }

    private void phaseTimes() {
        line("## Phases");
        line("");
        line("| phase | status | s | budget s |");
        line("|---|---|---|---|");
        for (JsonNode p : report.path("phases")) {
            cells(p.path("name").asText(), text(p, "status"), number(p.path("seconds"), "%.1f"),
                    number(p.path("budget_seconds"), "%.0f"));
        }
        line("");
    }

    private void list(String title, JsonNode items) {
        if (!items.isArray() || items.isEmpty()) {
            return;
        }
        line("## " + title);
        line("");
        items.forEach(i -> line("- " + i.asText().replaceAll("\\s+", " ")));
        line("");
    }

    private List<JsonNode> phases(String group) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode p : report.path("phases")) {
            if (p.path("group").asText().equals(group)) {
                found.add(p);
            }
        }
        return found;
    }

    private void cells(String... values) {
        StringBuilder s = new StringBuilder("|");
        for (String v : values) {
            s.append(' ').append(v.replace("|", "\\|").replaceAll("\\s+", " ").trim()).append(" |");
        }
        line(s.toString());
    }

    private void line(String text) {
        out.append(text).append('\n');
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isMissingNode() || v.isNull() ? NONE : v.asText();
    }

    /** A number as {@code pattern} formats it; absent, null or not a number (a text such as "8589934592" counts). */
    private static String number(JsonNode v, String pattern) {
        double d = v.isNumber() ? v.asDouble() : v.isTextual() ? parse(v.asText()) : Double.NaN;
        return Double.isFinite(d) ? format(pattern, d) : NONE;
    }

    private static String scaled(JsonNode v, double factor, String pattern) {
        return v.isNumber() && Double.isFinite(v.asDouble()) ? format(pattern, v.asDouble() * factor) : NONE;
    }

    private static String percent(JsonNode v) {
        return v.isNumber() && Double.isFinite(v.asDouble()) ? format("%.1f%%", 100 * v.asDouble()) : NONE;
    }

    private static String gib(JsonNode bytes) {
        double b = bytes.isNumber() ? bytes.asDouble() : bytes.isTextual() ? parse(bytes.asText()) : Double.NaN;
        return Double.isFinite(b) ? format("%.1f GiB", b / (1L << 30)) : "memory " + NONE;
    }

    private static double parse(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Formats in the root locale: the same page on every machine. */
    private static String format(String pattern, double value) {
        return String.format(Locale.ROOT, pattern, value);
    }
}
