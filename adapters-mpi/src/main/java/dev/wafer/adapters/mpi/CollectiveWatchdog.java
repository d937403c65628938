package dev.wafer.adapters.mpi;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Stops a rank that waits too long in a collective call. MPI calls block without a timeout, so a rank that hangs
 * (stopped, deadlocked, its machine unreachable without a reset) would hold the others forever; this daemon thread
 * checks once a second and, past the timeout, reports one line and halts the JVM with {@value #EXIT_HUNG}, after which
 * {@code mpirun} stops the remaining ranks. A rank that dies is mpirun's to report (it names the rank and signal).
 * Entering and leaving a call only writes two volatile fields: nothing is allocated per call.
 */
final class CollectiveWatchdog {
    /** Exit status of a rank halted for waiting too long (sysexits' EX_PROTOCOL). */
    static final int EXIT_HUNG = 76;

    private final int rank;
    private final int size;
    private final long timeoutNanos;
    private final Thread thread;
    private final Consumer<String> report;
    private volatile long since;
    private volatile String operation = "";
    private volatile boolean inside;
    private volatile boolean stopped;

    private CollectiveWatchdog(int rank, int size, Duration timeout, Consumer<String> report) {
        this.report = report;
        this.rank = rank;
        this.size = size;
        this.timeoutNanos = timeout.toNanos();
        this.thread = Thread.ofPlatform().daemon().name("wafer-collective-watchdog").unstarted(this::watch);
    }

    static CollectiveWatchdog start(int rank, int size, Duration timeout, Consumer<String> report) {
        CollectiveWatchdog w = new CollectiveWatchdog(rank, size, timeout, report);
        if (size > 1 && !timeout.isZero() && !timeout.isNegative()) {
            w.thread.start();
        }
        return w;
    }

    /** Marks the start of a call; returns its start time. */
    long enter(String what) {
        long now = System.nanoTime();
        operation = what;
        since = now;
        inside = true;
        return now;
    }

    /** Marks the end of a call; returns the time. */
    long exit() {
        inside = false;
        return System.nanoTime();
    }

    void stop() {
        stopped = true;
        thread.interrupt();
    }

    private void watch() {
        while (!stopped) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            if (inside && System.nanoTime() - since > timeoutNanos && !stopped) {
                report.accept("rank " + rank + " of " + size + ": the " + operation + " waited more than "
                        + timeoutNanos / 1_000_000_000L + " s for the other ranks (one hung or was stopped);"
                        + " stopping without touching the last checkpoint (set WAFER_COLLECTIVE_TIMEOUT to wait"
                        + " longer)");
                Runtime.getRuntime().halt(EXIT_HUNG);
            }
        }
    }
}
