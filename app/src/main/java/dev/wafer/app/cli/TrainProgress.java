package dev.wafer.app.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

import dev.wafer.domain.eval.CrossEntropyTotals;
import dev.wafer.domain.precision.UnderflowStat;
import dev.wafer.domain.session.RunSpec;
import dev.wafer.domain.session.RunState;
import dev.wafer.domain.session.SessionListener;
import dev.wafer.domain.session.StepReport;
import dev.wafer.ports.metrics.StepMetrics;

/**
 * Prints a training session: one JSON object per step on stdout with {@code --json}, else a progress bar on stderr
 * (redrawn in place on a terminal, about 20 lines in a log), then the validation loss. The lines and the ETA are
 * spaced over this invocation, from its start (or resume) step to where it stops ({@code --stop-at},
 * {@code --max-tokens} or the schedule's end), whose last step always has its line.
 */
final class TrainProgress implements SessionListener {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private String backend = "";
    private String data = "";
    private long start;
    private long firstStep;
    private final Long stopAt;
    private final Long maxTokens;
    /** The step after which this invocation stops. */
    private long stopStep;

    TrainProgress(PrintWriter out, PrintWriter err, boolean json, Long stopAt, Long maxTokens) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.stopAt = stopAt;
        this.maxTokens = maxTokens;
    }

    void backend(String name, String description) {
        this.backend = name;
        this.data = description;
    }

    @Override
    public void started(RunState state, boolean resumed) {
        start = System.nanoTime();
        firstStep = state.position().step();
        stopStep = EarlyStop.stopStep(state.spec(), firstStep, stopAt, maxTokens);
        if (json) {
            return;
        }
        RunSpec s = state.spec();
        long batch = s.schedule().batches().tokensPerStepAt(firstStep);
        err.printf(Locale.ROOT, "%s %s d_model %d, %d layers, %d heads, seq %d, batch %d tokens = %d x %d x %d"
                        + " (%s, peak lr %.2e, %s, %d steps) on %s, data: %s%n",
                resumed ? "resuming at step " + firstStep + ":" : "training", s.parameterisation().id(),
                s.shape().dModel(), s.shape().nLayers(), s.shape().nHeads(), s.seqLength(), batch,
                batch / s.microBatchTokens(), s.microBatch(), s.seqLength(), s.precision().id(),
                s.schedule().lrInTokens().peak(), s.schedule().lrInTokens().type().id(), s.totalSteps(), backend, data);
        err.flush();
    }

    /** Steps this process ran, and how many of them were skipped (a non-finite loss or gradient). */
    private long stepsRun;
    private long stepsSkipped;

    /** The end-of-run line about skipped steps, or empty when none was skipped. */
    java.util.Optional<String> skippedSummary() {
        return stepsSkipped == 0 ? java.util.Optional.empty() : java.util.Optional.of(String.format(Locale.ROOT,
                "skipped %d of the %d steps run (a non-finite loss or gradient: --skip-nonfinite, or the fp16 loss"
                        + " scale backing off); their batches were not learned from", stepsSkipped, stepsRun));
    }

    @Override
    public void stepped(StepReport r) {
        StepMetrics m = r.metrics();
        stepsRun++;
        stepsSkipped += m.skipped() ? 1 : 0;
        if (json) {
            // The loss is printed exactly (shortest round-trip form) so runs can be compared bit for bit; JSON has no
            // NaN or infinity, so a non-finite value is null and the step says "nonfinite".
            boolean nonFinite = !Double.isFinite(m.loss()) || !Double.isFinite(m.gradNorm());
            out.println(String.format(Locale.ROOT, "{\"step\":%d,\"loss\":%s,\"lr\":%.6e,\"grad_norm\":%s,"
                            + "\"tokens\":%d,\"batch_tokens\":%d,\"tokens_per_s\":%.1f,\"model_flops_per_s\":%.4e,"
                            + "\"step_seconds\":%.4f,\"skipped\":%b,\"nonfinite\":%b,\"loss_scale\":%s}", m.step(),
                    exact(m.loss()), m.learningRate(), Double.isFinite(m.gradNorm())
                            ? String.format(Locale.ROOT, "%.6f", m.gradNorm()) : "null", r.tokens(), r.batchTokens(),
                    m.tokensPerSecond(), m.modelFlopsPerSecond(), m.seconds(), m.skipped(), nonFinite,
                    exact(m.lossScale())));
            if (!r.underflow().isEmpty()) {
                out.println(underflowJson(m.step(), r.underflow()));
            }
            out.flush();
            return;
        }
        if (!r.underflow().isEmpty()) {
            printUnderflow(m.step(), r.underflow());
        }
        long total = r.totalSteps();
        boolean terminal = System.console() != null;
        if (!terminal && !logged(m.step(), firstStep, stopStep, total)) {
            return;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        // To this invocation's stop (as the dry run's estimated_seconds), not the schedule's end.
        double eta = elapsed / Math.max(1, m.step() - firstStep) * Math.max(0, stopStep - m.step());
        int width = 30;
        int done = (int) (width * m.step() / total);
        err.print(String.format(Locale.ROOT, "%s[%s%s] step %d/%d loss %.4f lr %.2e |g| %.3f %.0f tok/s ETA %.0fs%s",
                terminal ? "\r" : "", "#".repeat(done), ".".repeat(width - done), m.step(), total, m.loss(),
                m.learningRate(), m.gradNorm(), m.tokensPerSecond(), eta, terminal ? " " : "\n"));
        err.flush();
    }

    /**
     * Whether a log (not a terminal) gets step {@code step}'s line: about 20 spaced over the steps after
     * {@code first} up to {@code stop}, and always the stop step and the schedule's last.
     */
    static boolean logged(long step, long first, long stop, long total) {
        return (step - first) % Math.max(1, (stop - first) / 20) == 0 || step == stop || step == total;
    }

    /** Tensors named on an underflow report's stderr line (the JSON line has them all). */
    static final int UNDERFLOW_WORST = 8;

    /** One JSON object: the step and every tensor, worst first (it had the 8 worst: the rest were lost). */
    static String underflowJson(long step, List<UnderflowStat> stats) {
        StringBuilder b = new StringBuilder(256).append("{\"underflow_step\":").append(step).append(",\"tensors\":[");
        for (int i = 0; i < stats.size(); i++) {
            UnderflowStat s = stats.get(i);
            b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"tensor\":\"%s\",\"layer\":%d,"
                    + "\"fraction\":%.6e,\"flushed\":%d,\"non_zero\":%d,\"cast\":%b}", s.tensor(), s.layer(),
                    s.fraction(), s.flushed(), s.nonZero(), s.cast()));
        }
        return b.append("]}").toString();
    }

    private void printUnderflow(long step, List<UnderflowStat> stats) {
        StringBuilder b = new StringBuilder("underflow at step ").append(step).append(" (non-zero values cast to 0):");
        for (int i = 0; i < Math.min(UNDERFLOW_WORST, stats.size()); i++) {
            UnderflowStat s = stats.get(i);
            b.append(String.format(Locale.ROOT, " %s %.3g%%%s", s.label(), 100 * s.fraction(), s.cast() ? "" : " (fp32)"));
        }
        if (stats.size() > UNDERFLOW_WORST) { // the cap said, not silent: the rest are at most the last one shown
            b.append(String.format(Locale.ROOT, " (+%d more, each at most %.3g%%)", stats.size() - UNDERFLOW_WORST,
                    100 * stats.get(UNDERFLOW_WORST).fraction()));
        }
        err.println(b);
        err.flush();
    }

    private static String exact(double x) {
        return Double.isFinite(x) ? Double.toString(x) : "null";
    }

    @Override
    public void validated(CrossEntropyTotals totals) {
        if (json) {
            out.printf(Locale.ROOT, "{\"validation_loss\":%.6f,\"validation_tokens\":%d}%n", totals.natsPerToken(),
                    totals.tokens());
        } else {
            if (System.console() != null) {
                err.println();
            }
            out.printf(Locale.ROOT, "validation loss %.4f nats/token over %d tokens%n", totals.natsPerToken(),
                    totals.tokens());
        }
        out.flush();
    }
}
