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

    private StopSignals() {
    }

    /** Installs the handlers; {@link #close()} puts the previous ones back. */
    static StopSignals install() {
        StopSignals s = new StopSignals();
        for (String name : NAMES) {
            Signal signal = new Signal(name);
            s.signals.add(signal);
            s.previous.add(Signal.handle(signal, sig -> s.onSignal(sig)));
        }
        return s;
    }

    private void onSignal(Signal sig) {
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
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
