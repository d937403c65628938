package dev.wafer.gpucheck;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The whole check's time limit: a lent GPU machine runs one command for about 10 minutes, so every child gets what is
 * left of the overall deadline, less a reserve that keeps time to write the report and print the summary.
 */
final class Deadline {

    /** Default overall limit: 420 s leaves the launcher's unpacking and a margin inside a 10-minute command. */
    static final Duration DEFAULT = Duration.ofSeconds(420);
    /** Kept back from every child: killing it, reading its output and rewriting the report take about a second. */
    static final Duration RESERVE = Duration.ofSeconds(10);
    /** A child given less than this could not even start a JVM and CUDA context: it is skipped instead. */
    static final Duration MINIMUM = Duration.ofSeconds(5);

    private final Duration total;
    private final LongSupplier nanoClock;
    private final long start;

    Deadline(Duration total, LongSupplier nanoClock) {
        if (total.isNegative() || total.isZero()) {
            throw new IllegalArgumentException("the deadline must be positive, found " + total.toSeconds() + " s");
        }
        this.total = total;
        this.nanoClock = nanoClock;
        this.start = nanoClock.getAsLong();
    }

    /** A deadline counted from now on the monotonic clock. */
    static Deadline startingNow(Duration total) {
        return new Deadline(total, System::nanoTime);
    }

    Duration total() {
        return total;
    }

    Duration elapsed() {
        return Duration.ofNanos(nanoClock.getAsLong() - start);
    }

    /** Time until the deadline (negative once it has passed). */
    Duration left() {
        return total.minus(elapsed());
    }

    /**
     * The time one child may run: what is left less the reserve, at most {@code cap}; empty when that is under
     * {@link #MINIMUM} or under {@code needed} (the phase is then recorded as skipped).
     */
    Optional<Duration> budget(Duration cap, Duration needed) {
        Duration available = left().minus(RESERVE);
        Duration budget = available.compareTo(cap) < 0 ? available : cap;
        Duration floor = needed.compareTo(MINIMUM) > 0 ? needed : MINIMUM;
        return budget.compareTo(floor) < 0 ? Optional.empty() : Optional.of(budget);
    }

    /** {@link #budget(Duration, Duration)} with only the general minimum. */
    Optional<Duration> budget(Duration cap) {
        return budget(cap, MINIMUM);
    }
}
