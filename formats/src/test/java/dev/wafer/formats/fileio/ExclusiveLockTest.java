package dev.wafer.formats.fileio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lock is held against other processes for as long as it is open. It was not: the claim read the lock file back
 * through a second descriptor, and closing that released the process's POSIX lock, so a second export, import or
 * prepare took the "lock", deleted the first one's temporary files as a killed run's, and the first failed.
 */
class ExclusiveLockTest {
    @TempDir
    Path dir;

    /** Run in a child JVM: exits 0 when it could lock the file, 1 when another process holds it. */
    public static void main(String[] args) throws Exception {
        try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            System.exit(lock == null ? 1 : 0);
        }
    }

    private int otherProcessLocks(Path file) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ExclusiveLockTest.class.getName(), file.toString()).inheritIO().start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        return p.exitValue();
    }

    @Test
    void anotherProcessCannotTakeAHeldLockAndCanOnceItIsReleased() throws Exception {
        Path file = dir.resolve(".out.lock");
        Optional<ExclusiveLock> held = ExclusiveLock.tryAcquire(file);
        assertTrue(held.isPresent());
        try {
            assertEquals(1, otherProcessLocks(file), "another process took the lock this one holds");
        } finally {
            held.get().close();
        }
        assertFalse(Files.exists(file), "the lock file is removed on release");
        assertEquals(0, otherProcessLocks(file));
    }
}
