package dev.wafer.app.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A path a checkpoint or an exported directory records, as a {@link Path} where this file system can hold it. The
 * readers refuse a NUL; anything else this platform cannot name (a {@code :} on Windows) is a dataset that is not
 * here, never a stack trace.
 */
final class RecordedPath {
    private RecordedPath() {
    }

    /** {@code recorded} as a path; empty for a blank one or one this file system cannot name. */
    static Optional<Path> of(String recorded) {
        if (recorded.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(recorded));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
