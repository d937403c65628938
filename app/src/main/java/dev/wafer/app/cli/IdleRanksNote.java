package dev.wafer.app.cli;

import java.util.List;
import java.util.Optional;

import dev.wafer.domain.schedule.BatchSizeSchedule;
import dev.wafer.domain.session.RunSpec;

/**
 * The note a multi-rank run gets when a step has fewer micro-batches than there are ranks: micro-batch {@code i} is
 * computed by rank {@code i mod N}, so the others compute nothing and wait each step (a resumed {@code --micro-batch
 * 8 --batch 8} checkpoint on 2 ranks said nothing).
 */
final class IdleRanksNote {
    private IdleRanksNote() {
    }

    /** The note line (without "wafer: note: ") for a run standing at {@code step} on {@code ranks} ranks. */
    static Optional<String> line(RunSpec spec, long step, int ranks) {
        List<BatchSizeSchedule.Phase> phases = spec.schedule().batches().phasesFromStep(step);
        int fewest = Integer.MAX_VALUE;
        int sequences = 0;
        for (BatchSizeSchedule.Phase p : phases) {
            int micro = p.sequences() / spec.microBatch();
            if (micro < fewest) {
                fewest = micro;
                sequences = p.sequences();
            }
        }
        if (ranks <= 1 || fewest >= ranks) {
            return Optional.empty();
        }
        int idle = ranks - fewest;
        String perStep = fewest + " micro-batch" + (fewest == 1 ? "" : "es") + " of " + spec.microBatch()
                + " sequences per step" + (phases.size() > 1 ? " (at " + sequences + " sequences a step)" : "");
        return Optional.of(perStep + " for " + ranks + " ranks: " + idle + (idle == 1
                ? " rank computes nothing and waits" : " ranks compute nothing and wait") + " each step"
                + suggestion(phases, spec.microBatch(), ranks));
    }

    /** The largest smaller --micro-batch that gives every rank work in every phase, best an equal share. */
    private static String suggestion(List<BatchSizeSchedule.Phase> phases, int microBatch, int ranks) {
        for (boolean equal : new boolean[] {true, false}) {
            for (int m = microBatch - 1; m >= 1; m--) {
                if (fits(phases, m, ranks, equal)) {
                    return "; --micro-batch " + m + " gives every rank " + (equal ? "an equal share" : "work");
                }
            }
        }
        return "; the batch has fewer sequences than there are ranks: use fewer ranks";
    }

    private static boolean fits(List<BatchSizeSchedule.Phase> phases, int m, int ranks, boolean equal) {
        for (BatchSizeSchedule.Phase p : phases) {
            int count = p.sequences() / m;
            if (p.sequences() % m != 0 || count < ranks || equal && count % ranks != 0) {
                return false;
            }
        }
        return true;
    }
}
