package dev.wafer.app.cli;

import dev.wafer.domain.study.StudyListener;
import dev.wafer.ports.metrics.StepMetrics;

/**
 * Passes a study's progress on while counting how many of its first runs ended with a finite loss. The scaling
 * study fails when too few of its fitted runs converge; counting lets the command tell that outcome of the user's
 * learning rate from an unrelated failure, without matching on a message.
 */
final class FiniteRunCount implements StudyListener {
    private final StudyListener next;
    private final int counted;
    private long index;
    private int finite;

    /** @param counted how many runs, from the first, to count */
    FiniteRunCount(StudyListener next, int counted) {
        this.next = next;
        this.counted = counted;
    }

    @Override
    public void runStarted(String label, long runIndex, long runs, long steps) {
        index = runIndex;
        next.runStarted(label, runIndex, runs, steps);
    }

    @Override
    public void stepDone(StepMetrics metrics) {
        next.stepDone(metrics);
    }

    @Override
    public void runFinished(String label, double loss) {
        if (index < counted && Double.isFinite(loss)) {
            finite++;
        }
        next.runFinished(label, loss);
    }

    /** Counted runs that finished with a finite loss so far. */
    int finite() {
        return finite;
    }
}
