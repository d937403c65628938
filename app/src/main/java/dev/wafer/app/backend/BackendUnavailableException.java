package dev.wafer.app.backend;

import dev.wafer.ports.backend.BackendAvailability;

/**
 * The selected backend cannot run on this machine; start-up stops with the probe's reason and remedy in one line,
 * and, for another backend, suggests the default one.
 */
public final class BackendUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BackendUnavailableException(String name, BackendAvailability availability) {
        super("backend '" + name + "' is unavailable: " + availability.detail() + ". " + availability.remedy()
                + (name.equals(BackendSelection.DEFAULT_BACKEND) ? "."
                        : " or choose " + BackendSelection.FLAG + " " + BackendSelection.DEFAULT_BACKEND + "."));
    }
}
