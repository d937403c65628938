package dev.wafer.gpucheck;

import java.io.IOException;
import java.util.List;

/**
 * Where the check's children are started, and closed for good when the check is stopped from outside. The shutdown
 * hook runs while the main thread goes on: without the gate, a child the main thread started just after the hook
 * listed the processes to kill would outlive the check (seen once in CI: a test child started as SIGTERM arrived).
 * Starting and closing exclude each other, so every child is either refused or listed.
 */
final class StartGate {

    /** The gate every {@link ProcessRun} goes through. */
    static final StartGate CHECK = new StartGate();

    private boolean closed;

    /**
     * Starts {@code builder}'s process.
     *
     * @throws IOException when it cannot start, or the gate is closed (the check is stopping)
     */
    synchronized Process start(ProcessBuilder builder) throws IOException {
        if (closed) {
            throw new IOException("the check is stopping, so no child is started");
        }
        return builder.start();
    }

    /** Refuses every later start, and returns the processes alive below this one (children and theirs). */
    synchronized List<ProcessHandle> close() {
        closed = true;
        return ProcessHandle.current().descendants().toList();
    }
}
