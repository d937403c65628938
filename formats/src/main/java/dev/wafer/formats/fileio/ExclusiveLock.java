package dev.wafer.formats.fileio;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * An exclusive lock on a lock file, which the operating system releases when the holder dies (a {@code kill -9}, a
 * container stopped), unlike a recorded process id, which another process can carry later (in a container Wafer is
 * often process 1 every time). The holder deletes the lock file when it releases it, so nothing is left beside the
 * user's files; a claimant that locked a file just deleted that way (it opened it before the deletion) sees that the
 * file at the path is not the one it locked (the path's file key, read with {@code stat} before the open and after
 * the lock, changed) and tries again. Nothing here opens the lock file a second time: on Linux these are POSIX
 * locks, which closing any descriptor of the file releases (reading the path back to compare a token did exactly
 * that, so no lock was ever held).
 */
public final class ExclusiveLock implements AutoCloseable {
    private static final int ATTEMPTS = 8;

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private ExclusiveLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock on {@code file}, creating it, without waiting.
     *
     * @return the lock, or empty when another process (or another claim in this one) holds it
     * @throws IOException when the lock file cannot be created or opened (e.g. a read-only directory)
     */
    public static Optional<ExclusiveLock> tryAcquire(Path file) throws IOException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Object before = fileKey(file);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (IOException | OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            ExclusiveLock held = new ExclusiveLock(file, channel, lock);
            // The same file at the path before the open and after the lock: the one opened is the one at the path
            // (a file this claim created has no key before; the next attempt opens it as existing).
            if (before != null && before.equals(fileKey(file))) {
                return Optional.of(held);
            }
            held.release(false);
        }
        return Optional.empty();
    }

    /**
     * Takes the lock on {@code file}, creating it, waiting while another process or another thread of this one holds
     * it (the operating system queues other processes; threads of this process, which it does not tell apart, poll).
     *
     * @return the lock
     * @throws IOException when the lock file cannot be created or opened, or the file system cannot lock it (the
     *                     operating system's reason, e.g. "no locks available"); never waits forever on that
     */
    public static ExclusiveLock acquire(Path file) throws IOException {
        while (true) {
            Object before = fileKey(file);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.lock();
            } catch (OverlappingFileLockException e) {
                channel.close();
                pause();
                continue;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            ExclusiveLock held = new ExclusiveLock(file, channel, lock);
            // As in tryAcquire: the file locked must still be the one at the path (its holder deletes it on release).
            if (before != null && before.equals(fileKey(file))) {
                return held;
            }
            held.release(false);
        }
    }

    private static void pause() throws IOException {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for a lock");
        }
    }

    /** The path's file key (device and inode) by {@code stat}, which opens no descriptor; null when absent. */
    private static Object fileKey(Path file) throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Deletes the lock file and releases the lock; idempotent. */
    @Override
    public void close() {
        release(true);
    }

    private void release(boolean delete) {
        if (delete && lock.isValid()) {
            try {
                // Deleted while still locked: whoever opened it meanwhile finds it is no longer at the path.
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // A lock file left behind is harmless: the next claimant locks it.
            }
        }
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            // Closing the channel below releases it as well.
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Only a token was written through it: closing it cannot lose data.
        }
    }
}
