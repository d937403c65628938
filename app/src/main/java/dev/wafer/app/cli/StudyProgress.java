package dev.wafer.app.cli;

import java.io.PrintWriter;
import java.util.Locale;

import dev.wafer.domain.study.StudyListener;
import dev.wafer.ports.metrics.StepMetrics;

/**
 * A study's progress on stderr: one bar per training run, redrawn in place on a terminal; in a log, a line at each
 * quarter of a run and one when it finishes.
 */
final class StudyProgress implements StudyListener {
    private final PrintWriter err;
    private final boolean terminal;
    private final long studyStart = System.nanoTime();
    private String label;
    private long index;
    private long runs;
    private long steps;
    private long runStart;

    StudyProgress(PrintWriter err, boolean quiet) {
        this.err = quiet ? new PrintWriter(java.io.Writer.nullWriter()) : err;
        this.terminal = System.console() != null;
    }

    @Override
    public void runStarted(String runLabel, long runIndex, long runCount, long runSteps) {
        this.label = runLabel;
        this.index = runIndex;
        this.runs = runCount;
        this.steps = runSteps;
        this.runStart = System.nanoTime();
    }

    @Override
    public void stepDone(StepMetrics m) {
        boolean quarter = m.step() % Math.max(1, steps / 4) == 0;
        if (!terminal && !quarter || m.step() == steps && !terminal) {
            return;
        }
        if (terminal && m.step() % Math.max(1, steps / 100) != 0 && m.step() != steps) {
            return;
        }
        double elapsed = (System.nanoTime() - runStart) / 1e9;
        int width = 24;
        int done = (int) (width * m.step() / steps);
        err.print(String.format(Locale.ROOT, "%s[%d/%d] %s [%s%s] step %d/%d loss %.4f %.0f tok/s ETA %.0fs%s",
                terminal ? "\r" : "", index + 1, runs, label, "#".repeat(done), ".".repeat(width - done), m.step(),
                steps, m.loss(), m.tokensPerSecond(), elapsed / m.step() * (steps - m.step()), terminal ? " " : "\n"));
        err.flush();
    }

    @Override
    public void runFinished(String runLabel, double loss) {
        double seconds = (System.nanoTime() - runStart) / 1e9;
        double total = (System.nanoTime() - studyStart) / 1e9;
        err.print(String.format(Locale.ROOT, "%s[%d/%d] %s: loss %s in %.1fs (study %.0fs so far)%n",
                terminal ? "\r" : "", index + 1, runs, runLabel,
                Double.isFinite(loss) ? String.format(Locale.ROOT, "%.4f", loss) : "diverged", seconds, total));
        err.flush();
    }
}
