package dev.wafer.app.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Preemption for {@code wafer train}: the first SIGTERM (what Slurm and Kubernetes send before killing a job) or
 * SIGINT asks the training session to finish its current optimizer step and checkpoint; a second one halts at once.
 * The JDK has no supported signal API: shutdown hooks run while the JVM is already exiting and cannot let the step
 * finish and report, so the long-standing {@code sun.misc.Signal} (module jdk.unsupported) is used, and the previous
 * handlers are restored when training ends.
 */
final class StopSignals implements AutoCloseable {
    /** Exit code of a run stopped by a signal after checkpointing (sysexits' EX_TEMPFAIL: try again later). */
    static final int PREEMPTED = 75;
    private static final String[] NAMES = {"TERM", "INT"};
    private final AtomicBoolean requested = new AtomicBoolean();
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile String received;
    private volatile boolean closed;
    private final String haltMessage;

    private StopSignals(String haltMessage) {
        this.haltMessage = haltMessage;
    }

    /** Installs the handlers; {@link #close()} puts the previous ones back. */
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
        StopSignals s = new StopSignals(haltMessage);
        for (String name : NAMES) {
            Signal signal = new Signal(name);
            s.signals.add(signal);
            s.previous.add(Signal.handle(signal, sig -> s.onSignal(sig)));
        }
        return s;
    }

    private void onSignal(Signal sig) {
        if (closed) {
            System.exit(128 + sig.getNumber());
        }
        if (haltMessage != null) {
            System.err.println("wafer: " + String.format(haltMessage, "SIG" + sig.getName()));
            System.err.flush();
            Runtime.getRuntime().halt(128 + sig.getNumber());
        }
        if (!requested.compareAndSet(false, true)) {
            // Second signal: the user (or the scheduler) does not want to wait for the checkpoint.
            Runtime.getRuntime().halt(128 + sig.getNumber());
        }
        received = "SIG" + sig.getName();
    }

    /** Whether a stop was requested. */
    boolean requested() {
        return requested.get();
    }

    /** The signal that asked for the stop, e.g. SIGTERM. */
    String received() {
        return received;
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            try {
                Signal.handle(signals.get(i), previous.get(i));
            } catch (NullPointerException e) {
                // The JDK lost track of the previous Java handler (native code in this JVM, e.g. an OpenCL driver's
                // LLVM, replaced and later restored the process's signal handler behind its back), so there is
                // nothing to put back: ours stays installed and behaves as the JVM's default, exiting 128+signal.
                closed = true;
            }
        }
    }
}
