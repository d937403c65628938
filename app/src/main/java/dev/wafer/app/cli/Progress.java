package dev.wafer.app.cli;

import dev.wafer.domain.eval.ScoringProgress;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Prints requests done, rate and time left to stderr, at most every {@code everyNanos}. The count is over every task
 * of the run, so with several tasks the line says so and names the one being scored ({@code eval (7 tasks, now
 * hellaswag): 24/96}); until 2026-12-07 it read {@code eval hellaswag: 24/96} when hellaswag alone had 24 requests.
 */
final class Progress implements ScoringProgress {
    private final PrintWriter err;
    private final long total;
    private final int tasks;
    private final long everyNanos;
    private final LongSupplier clock;
    private final long start;
    private long done;
    private long lastPrint;

    /**
     * @param total the requests of every task together
     * @param tasks how many tasks they belong to
     */
    Progress(PrintWriter err, long total, int tasks, long everyNanos, LongSupplier clock) {
        this.err = err;
        this.total = total;
        this.tasks = tasks;
        this.everyNanos = everyNanos;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.lastPrint = start;
    }

    @Override
    public void advanced(String task, int requests) {
        done += requests;
        long now = clock.getAsLong();
        if (now - lastPrint >= everyNanos && done < total) {
            lastPrint = now;
            err.println(line(task, now));
            err.flush();
        }
    }

    String line(String task, long now) {
        double seconds = (now - start) / 1e9;
        double rate = done / Math.max(seconds, 1e-9);
        long left = Math.round((total - done) / rate);
        String what = tasks > 1 ? "(" + tasks + " tasks, now " + task + ")" : task;
        return String.format(Locale.ROOT, "eval %s: %d/%d requests (%.0f%%), %.1f/s, ETA %dm%02ds", what, done, total,
                100.0 * done / total, rate, left / 60, left % 60);
    }
}
