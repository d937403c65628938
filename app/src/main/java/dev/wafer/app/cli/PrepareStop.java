package dev.wafer.app.cli;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import dev.wafer.domain.data.prepare.PreparationReport;
import dev.wafer.formats.data.DatasetPreparers;
import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.data.DocumentSource;

/**
 * How SIGINT or SIGTERM stops {@code wafer data prepare}: the partial build beside --out is removed, one line says
 * the preparation was interrupted and what --out holds (the previous dataset, if any, as it was), and the process
 * exits 128 + the signal's number. Until 2026-12-07 the JVM's own handler exited without a word and left the build
 * ({@code .DIR.prepare-PID}, shuffle and dedup temporaries included) until a later run into the same --out. Only rank
 * 0 owns the build: the other ranks of an mpirun job keep the JVM's handler, and rank 0's removal covers their files.
 */
final class PrepareStop implements AutoCloseable {
    private final DatasetPreparers.Preparer preparer;
    private final StopSignals signals;

    private PrepareStop(DatasetPreparers.Preparer preparer, StopSignals signals) {
        this.preparer = preparer;
        this.signals = signals;
    }

    /** Starts listening, on rank 0 ({@code lead}); {@link #close()} ends it. */
    static PrepareStop install(DatasetPreparers.Preparer preparer, boolean lead) {
        return new PrepareStop(preparer, lead ? StopSignals.installWithCleanup(signal -> signal
                + ": data prepare interrupted; " + preparer.abandon()) : null);
    }

    /**
     * Prepares. A failure while a signal is stopping the run (its build removed under it) is not reported: this waits
     * for the signal's handler to halt the JVM, and its line says what happened.
     */
    Optional<PreparationReport> prepare(List<DocumentSource> sources, Collective collective) throws IOException {
        try {
            return preparer.prepare(sources, collective);
        } catch (IOException | RuntimeException | Error e) {
            if (signals != null) {
                signals.waitIfStopping();
            }
            throw e;
        }
    }

    @Override
    public void close() {
        if (signals != null) {
            signals.close();
        }
    }
}
