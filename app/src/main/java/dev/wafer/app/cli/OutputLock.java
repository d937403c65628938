package dev.wafer.app.cli;

import java.io.IOException;
import java.nio.file.Path;

import dev.wafer.formats.fileio.ExclusiveLock;

/**
 * The lock a command holds on the file it writes from its "already exists" check to its last write, so that a second
 * command writing the same path at the same time is refused (exit 2, one line naming the path) instead of silently
 * replacing the first one's file. The lock file is {@code .NAME.lock} beside the target (or a named file inside a
 * directory the command owns); the operating system releases it if the process dies.
 */
final class OutputLock {
    private OutputLock() {
    }

    /**
     * Locks {@code .NAME.lock} beside {@code target}, whose folder must exist.
     *
     * @param flag the option that named the target, for the message
     * @throws UserError when another process holds it
     */
    static ExclusiveLock beside(String flag, Path target) {
        Path abs = target.toAbsolutePath().normalize();
        return claim(flag, target, abs.resolveSibling("." + abs.getFileName() + ".lock"));
    }

    /**
     * Locks {@code name} inside the directory {@code dir}, which must exist.
     *
     * @throws UserError when another process holds it
     */
    static ExclusiveLock inside(String flag, Path dir, String name) {
        return claim(flag, dir, dir.resolve(name));
    }

    private static ExclusiveLock claim(String flag, Path target, Path lockFile) {
        try {
            return ExclusiveLock.tryAcquire(lockFile).orElseThrow(() -> new UserError(flag + " " + target
                    + " is being written by another wafer process (it holds " + lockFile + "); wait for it to"
                    + " finish or choose another path"));
        } catch (IOException e) {
            throw WriteFailure.of(flag + " " + target, e);
        }
    }
}
