package dev.wafer.app.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import sun.misc.Signal;

/**
 * Preemption for {@code wafer train} (and the stop of {@code wafer data prepare}, {@link #installWithCleanup}): the first SIGTERM (what Slurm and Kubernetes send before killing a job) or
 * SIGINT asks the training session to finish its current optimizer step and checkpoint; a second one halts at once.
 * The JDK has no supported signal API: shutdown hooks run while the JVM is already exiting and cannot let the step
 * finish and report, so the long-standing {@code sun.misc.Signal} (module jdk.unsupported) is used.
 *
 * <p>The handlers are installed once per JVM and never swapped back (the JDK does not always hand back the handler it
 * replaced). While no training run is active they do what the JVM's own handler does: exit with 128 + the signal
 * number, running shutdown hooks.
 */
final class StopSignals implements AutoCloseable {
    /** Exit code of a run stopped by a signal after checkpointing (sysexits' EX_TEMPFAIL: try again later). */
    static final int PREEMPTED = 75;
    private static final String[] NAMES = {"TERM", "INT"};
    private static final AtomicReference<StopSignals> ACTIVE = new AtomicReference<>();
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();
    private final AtomicBoolean requested = new AtomicBoolean();
    private final String haltMessage;
    /** For a run that stops at once after cleaning up: given the signal's name, cleans up and words the line. */
    private final java.util.function.Function<String, String> cleanup;
    private volatile String received;
    private volatile int number;
    /** Where a run halted by a second signal can continue from, in words; null says nothing. */
    private volatile java.util.function.Supplier<String> whereToContinue;

    private StopSignals(String haltMessage) {
        this(haltMessage, null);
    }

    private StopSignals(String haltMessage, java.util.function.Function<String, String> cleanup) {
        this.haltMessage = haltMessage;
        this.cleanup = cleanup;
    }

    /**
     * For {@code wafer data prepare}: a signal runs {@code cleanup} (which removes the partial build; the JVM's own
     * handler left it beside --out until a later run into the same --out), prints the line it returns after
     * {@code wafer: }, and halts with 128 + the signal's number; a second signal halts at once. The run's own
     * failures while its files are removed under it are not reported: see {@link #waitIfStopping()}.
     */
    static StopSignals installWithCleanup(java.util.function.Function<String, String> cleanup) {
        return activate(new StopSignals(null, cleanup));
    }

    /**
     * When a signal is stopping the run, waits for its handler to halt the JVM and never returns: a failure the run
     * met meanwhile (a file the cleanup removed under it) is no error of its own to report.
     */
    void waitIfStopping() {
        if (cleanup == null || !requested.get()) {
            return;
        }
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // The halt is coming; keep waiting for it.
            }
        }
    }

    /** Starts listening for a training run; {@link #close()} ends it. */
    static StopSignals install() {
        return install(null);
    }

    /**
     * For one rank of a multi-process run: a signal halts at once with one line naming this rank. Under mpirun a
     * SIGTERM usually means another rank died and mpirun is stopping the job; the step in flight cannot finish
     * without it, so nothing is saved and the last checkpoint stays as it was.
     */
    static StopSignals installForRank(int rank, int size) {
        return install("rank " + rank + " of " + size + " stopped by %s (mpirun stops every rank when one fails"
                + " or is killed; its report names that rank); the last checkpoint is untouched");
    }

    private static StopSignals install(String haltMessage) {
        return activate(new StopSignals(haltMessage));
    }

    private static StopSignals activate(StopSignals s) {
        if (INSTALLED.compareAndSet(false, true)) {
            for (String name : NAMES) {
                Signal.handle(new Signal(name), StopSignals::dispatch);
            }
        }
        ACTIVE.set(s);
        return s;
    }

    private static void dispatch(Signal sig) {
        StopSignals active = ACTIVE.get();
        if (active == null) {
            System.exit(128 + sig.getNumber());
        } else if (active.cleanup != null) {
            if (!active.requested.compareAndSet(false, true)) {
                Runtime.getRuntime().halt(128 + sig.getNumber()); // a second signal does not wait for the cleanup
            }
            String line;
            try {
                line = active.cleanup.apply("SIG" + sig.getName());
            } catch (RuntimeException | Error e) {
                line = "SIG" + sig.getName() + ": stopped; cleaning up failed: " + e;
            }
            System.err.println("wafer: " + line);
            System.err.flush();
            Runtime.getRuntime().halt(128 + sig.getNumber());
        } else if (active.haltMessage != null) {
            System.err.println("wafer: " + String.format(active.haltMessage, "SIG" + sig.getName()));
            System.err.flush();
            Runtime.getRuntime().halt(128 + sig.getNumber());
        } else if (active.requested.get()) {
            // Second signal: the user (or the scheduler) does not want to wait for the checkpoint. One line first,
            // since the step log may run a step past the newest checkpoint (until 2026-12-08 it halted silently).
            java.util.function.Supplier<String> where = active.whereToContinue;
            String line = "SIG" + sig.getName() + " again: stopped at once, without saving the step in flight";
            try {
                line += where == null ? "" : "; " + where.get();
            } catch (RuntimeException e) {
                line += "; " + e;
            }
            System.err.println("wafer: " + line);
            System.err.flush();
            Runtime.getRuntime().halt(128 + sig.getNumber());
        } else {
            // Before the flag, so whoever sees the flag sees the name and number.
            active.number = sig.getNumber();
            active.received = "SIG" + sig.getName();
            active.requested.set(true);
        }
    }

    /**
     * What the line of a run halted by a second signal adds: where it can continue from (the newest checkpoint
     * written, or that none was), read on the signal's thread.
     */
    void onSecondSignal(java.util.function.Supplier<String> where) {
        this.whereToContinue = where;
    }

    /** Whether a stop was requested. */
    boolean requested() {
        return requested.get();
    }

    /** The signal that asked for the stop, e.g. SIGTERM. */
    String received() {
        return received;
    }

    /** The exit code of a stop that saved nothing more: 128 + the number of the signal that asked for it. */
    int unsavedExitCode() {
        return 128 + number;
    }

    @Override
    public void close() {
        ACTIVE.compareAndSet(this, null);
    }
}
