package dev.wafer.gpucheck;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs one phase under the deadline: skipped (and recorded so) when its group is one {@code --skip} names or when too
 * little time is left, else recorded as running, run with its budget, and recorded with its result; an exception in
 * the check's own code fails the phase, not the check.
 */
final class PhaseRunner {

    private final Report report;
    private final Deadline deadline;
    private final List<String> skippedGroups;

    /** @param skippedGroups the groups {@code --skip} names */
    PhaseRunner(Report report, Deadline deadline, List<String> skippedGroups) {
        this.report = report;
        this.deadline = deadline;
        this.skippedGroups = List.copyOf(skippedGroups);
    }

    /** Whether the phases of {@code group} are skipped by {@code --skip}: their absence is then no problem. */
    boolean skips(String group) {
        return skippedGroups.contains(group);
    }

    /** Records a phase of a skipped group, for a caller that does not call {@link #run} for it. */
    void recordSkipped(String name, String group) {
        report.skip(name, group, skippedStatus(group));
    }

    static String skippedStatus(String group) {
        return "skipped: --skip " + group;
    }

    Deadline deadline() {
        return deadline;
    }

    /**
     * @param cap    the most this phase may take, whatever is left
     * @param needed the least worth starting it with (e.g. torch.compile's compile time)
     * @return the result, empty when skipped or when the body threw
     */
    <T extends Recorded> Optional<T> run(String name, String group, Duration cap, Duration needed,
            Function<Duration, T> body) {
        if (skips(group)) {
            recordSkipped(name, group);
            return Optional.empty();
        }
        Optional<Duration> budget = deadline.budget(cap, needed);
        if (budget.isEmpty()) {
            report.skip(name, group, Report.SKIPPED_DEADLINE).put("seconds_left",
                    Math.max(0, deadline.left().toSeconds()));
            return Optional.empty();
        }
        Report.Phase phase = report.begin(name, group);
        phase.node().put("budget_seconds", budget.get().toSeconds());
        try {
            T result = body.apply(budget.get());
            phase.end(result.record(phase.node()));
            return Optional.of(result);
        } catch (RuntimeException e) {
            phase.node().put("error", e.toString());
            phase.end(Report.FAILED);
            return Optional.empty();
        }
    }

    <T extends Recorded> Optional<T> run(String name, String group, Duration cap, Function<Duration, T> body) {
        return run(name, group, cap, Deadline.MINIMUM, body);
    }
}
