package dev.wafer.app.backend;

import dev.wafer.ports.backend.BackendAvailability;

/**
 * The selected backend cannot run on this machine; start-up stops with the probe's reason and
 * remedy in one line, and suggests the default backend, which always runs.
 */
public final class BackendUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BackendUnavailableException(String name, BackendAvailability availability) {
        super("backend '" + name + "' is unavailable: " + availability.detail() + ". " + availability.remedy()
                + " or choose " + BackendSelection.FLAG + " " + BackendSelection.DEFAULT_BACKEND + ".");
    }
}
