package dev.wafer.gpucheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Issue #20's speed goals, read off the finished report so that a run's verdict needs no arithmetic by hand: at the
 * longest shape of each precision (111M at seq 2048 x batch 8 on a GPU), Wafer's tokens/s against PyTorch eager's in
 * the same run (bf16 and fp32, at least 1x each), the bf16 model-FLOP utilisation (at least 40% of the GPU's dense bf16
 * peak), and, for information, Wafer against torch.compile, the fused attention against its unfused rerun and the bias
 * epilogue against its bias-kernels rerun. A goal whose figures are missing, failed or a stand-in's is unmeasured
 * ({@code met} null), never met.
 */
final class Goals {

    /** The speed goal against PyTorch eager: Wafer's tokens/s at least the peer's. */
    static final double PEER_RATIO = 1.0;

    /** The utilisation goal: Appendix F model FLOPs over the dense bf16 peak. */
    static final double BF16_UTILISATION = 0.40;

    private final JsonNode report;
    private final List<String> said = new ArrayList<>();

    private Goals(JsonNode report) {
        this.report = report;
    }

    /**
     * The {@code goals} section for a report whose phases have all been recorded.
     *
     * @param summary receives one short line per goal, for the run's summary line
     */
    static ArrayNode of(JsonNode report, List<String> summary) {
        Goals goals = new Goals(report);
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (String precision : List.of("bf16", "fp32")) {
            goals.longestBench(precision).ifPresent(bench -> {
                out.add(goals.versusPeer(precision, bench, "pytorch eager", true));
                if (precision.equals("bf16")) {
                    out.add(goals.utilisation(bench));
                }
                out.add(goals.versusPeer(precision, bench, "pytorch compile", false));
                goals.versusUnfused(precision, bench).ifPresent(out::add);
                goals.versusBiasKernels(precision, bench).ifPresent(out::add);
            });
        }
        summary.addAll(goals.said);
        return out;
    }

    /** The plain bench (not profiled, not the unfused rerun) of the longest sequence in {@code precision} that ran. */
    private Optional<JsonNode> longestBench(String precision) {
        List<JsonNode> benches = new ArrayList<>();
        for (JsonNode p : report.path("phases")) {
            String name = p.path("name").asText();
            String label = p.path("case").asText();
            boolean plain = !label.endsWith(BenchCase.PROFILED) && !label.endsWith(BenchCase.UNFUSED)
                    && !label.endsWith(BenchCase.BIAS_KERNELS);
            if (plain && p.path("group").asText().equals("bench") && p.path("precision").asText().equals(precision)
                    && (name.equals("bench " + label) || name.equals("bench " + label + " (baseline kernels)"))
                    && p.path("status").asText().equals(Report.OK)) {
                benches.add(p);
            }
        }
        // The case with the most tokens a step (of a failed fast run and its baseline retry, only the retry is ok).
        return benches.stream().max(Comparator.comparingLong(b -> b.path("seq").asLong() * b.path("batch").asLong()));
    }

    /** @param goal whether this comparison is one of the goals (eager), else for information (compile) */
    private ObjectNode versusPeer(String precision, JsonNode bench, String anchor, boolean goal) {
        String label = bench.path("case").asText();
        ObjectNode g = Json.object();
        g.put("goal", goal ? "Wafer " + precision + " tokens/s at least " + anchor + "'s" : "Wafer " + precision
                + " tokens/s against " + anchor + "'s (for information)");
        g.put("case", label);
        g.put("kernel_variant", bench.path("kernel_variant").asText());
        double wafer = bench.path("wafer").path("tokens_per_s").asDouble();
        g.put("wafer_tokens_per_s", wafer);
        Optional<JsonNode> peer = phase(anchor + " " + label);
        String unmeasured = null;
        if (peer.isEmpty()) {
            unmeasured = "no " + anchor + " phase for this shape";
        } else if (!peer.get().path("status").asText().equals(Report.OK)) {
            unmeasured = anchor + " " + peer.get().path("status").asText();
        } else if (peer.get().path("stand_in").asBoolean()) {
            unmeasured = "the PyTorch figures are a stand-in's";
        }
        if (unmeasured != null) {
            return unmeasured(g, unmeasured, goal ? precision + " vs " + anchor.replace("pytorch ", "") : null);
        }
        double reference = peer.get().path("torch").path("tokens_per_s").asDouble();
        double ratio = wafer / reference;
        g.put("reference_tokens_per_s", reference).put("ratio", ratio);
        if (goal) {
            g.put("target_ratio", PEER_RATIO).put("met", ratio >= PEER_RATIO);
            said.add(String.format(Locale.ROOT, "%s vs %s %.2fx (%s)", precision, anchor.replace("pytorch ", ""),
                    ratio, ratio >= PEER_RATIO ? "met" : "NOT met"));
        }
        return g;
    }

    private ObjectNode utilisation(JsonNode bench) {
        ObjectNode g = Json.object();
        g.put("goal", "bf16 model-FLOP utilisation at least " + Math.round(100 * BF16_UTILISATION)
                + "% of the GPU's dense bf16 peak");
        g.put("case", bench.path("case").asText());
        g.put("bf16_peak_tflops", report.path("bf16_peak_tflops").asDouble());
        g.put("bf16_peak_source", report.path("bf16_peak_source").asText());
        JsonNode fraction = bench.path("fraction_of_bf16_peak");
        if (!fraction.isNumber()) {
            return unmeasured(g, "no bf16 bench on a GPU", "bf16 utilisation");
        }
        if (!report.path("bf16_peak_known").asBoolean()) {
            g.put("fraction_of_fallback_peak", fraction.asDouble());
            return unmeasured(g, "this GPU's dense bf16 peak is not known (" + report.path("bf16_peak_source")
                    .asText() + ")", "bf16 utilisation");
        }
        double f = fraction.asDouble();
        g.put("fraction", f).put("target_fraction", BF16_UTILISATION).put("met", f >= BF16_UTILISATION);
        said.add(String.format(Locale.ROOT, "bf16 utilisation %.1f%% (%s)", 100 * f,
                f >= BF16_UTILISATION ? "met" : "NOT met"));
        return g;
    }

    /** The fused attention against its unfused rerun: which a precision's default should be. */
    private Optional<ObjectNode> versusUnfused(String precision, JsonNode bench) {
        return versusRerun(bench, BenchCase.UNFUSED, KernelChoice.FAST, "the " + precision + " fused attention against"
                + " the unfused one (for information: the faster should be the default)", "fused", "unfused",
                precision + " fused/unfused attention");
    }

    /** cuBLASLt's bias epilogue against the bias kernels' rerun: which the fast kernels' default should be. */
    private Optional<ObjectNode> versusBiasKernels(String precision, JsonNode bench) {
        String sameAsRerun = null;
        return versusRerun(bench, BenchCase.BIAS_KERNELS, sameAsRerun, "the " + precision + " bias epilogue against"
                + " the bias kernels (for information: the faster should be the default, "
                + BenchCase.BIAS_EPILOGUE_ENV + ")", "epilogue", "kernels", precision + " bias epilogue/kernels");
    }

    /**
     * The plain bench against its rerun (its label plus {@code suffix}) in the same run, when the rerun is ok: both
     * tokens/s ({@code <mine>_tokens_per_s}, {@code <rerun>_tokens_per_s}), their ratio and the faster one named.
     * A rerun changes one thing of the kernels the plain bench ran on; where the plain figures come from other kernels
     * (the fast ones failed this shape and it was retried on the baseline ones) there is nothing to compare: said,
     * never computed.
     *
     * @param plainVariant the kernels the plain bench must have run on, or null for the rerun's own
     */
    private Optional<ObjectNode> versusRerun(JsonNode bench, String suffix, String plainVariant, String goal,
                                             String mine, String rerun, String shortName) {
        String label = bench.path("case").asText();
        String variant = bench.path("kernel_variant").asText();
        return phase("bench " + label + suffix).filter(p -> p.path("status").asText().equals(Report.OK))
                .map(other -> {
                    ObjectNode g = Json.object();
                    g.put("goal", goal);
                    g.put("case", label);
                    String wanted = plainVariant != null ? plainVariant : other.path("kernel_variant").asText();
                    if (!variant.equals(wanted)) {
                        g.put("kernel_variant", variant);
                        return unmeasured(g, "the plain bench ran on the " + variant + " kernels, not the "
                                + wanted + " ones this rerun varies", shortName);
                    }
                    double plain = bench.path("wafer").path("tokens_per_s").asDouble();
                    double again = other.path("wafer").path("tokens_per_s").asDouble();
                    g.put(mine + "_tokens_per_s", plain).put(rerun + "_tokens_per_s", again)
                            .put("ratio", plain / again).put("faster", plain >= again ? mine : rerun);
                    said.add(String.format(Locale.ROOT, "%s %.2fx", shortName, plain / again));
                    return g;
                });
    }

    private ObjectNode unmeasured(ObjectNode g, String why, String shortName) {
        g.putNull("met");
        g.put("unmeasured", why);
        if (shortName != null) {
            said.add(shortName + " unmeasured");
        }
        return g;
    }

    private Optional<JsonNode> phase(String name) {
        for (JsonNode p : report.path("phases")) {
            if (p.path("name").asText().equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
