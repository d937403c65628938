package dev.wafer.app.backend;

import java.util.List;

/** The configuration names a backend that does not exist; a user error, reported as one line. */
public final class UnknownBackendException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnknownBackendException(String name, String source, List<String> valid) {
        // Say where the name came from: a stale WAFER_BACKEND is otherwise invisible to the user.
        super("unknown backend '" + name + "' (from " + source + "); choose one of: " + String.join(", ", valid));
    }
}
