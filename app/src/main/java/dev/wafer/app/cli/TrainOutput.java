package dev.wafer.app.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.wafer.formats.checkpoint.ModelCheckpoints;
import dev.wafer.formats.fileio.IoReason;

/**
 * The checkpoint directory of a training run, claimed before training so that nothing trained is lost at the first
 * save: it must be a creatable, writable directory; it must not hold another run's checkpoint (unless
 * {@code --overwrite}); and an exclusive lock on {@code .wafer-train.lock} keeps a second {@code wafer train} from
 * writing to it at the same time. The operating system releases the lock if the process dies. Temporary checkpoint
 * files a killed run left behind are removed once the lock is held (no other run can be writing them). A directory
 * the claim created is removed again at close when the run wrote nothing into it (a run refused before its first
 * save, e.g. for a missing {@code --data}, leaves no empty run folder holding only a lock file behind).
 */
final class TrainOutput implements AutoCloseable {
    static final String LOCK_FILE = ".wafer-train.lock";
    private static final String ORPHAN_GLOB = "." + ModelCheckpoints.FILE_NAME + ".tmp-*";
    private final FileChannel channel;
    private final FileLock lock;
    /** The directory this claim created, or null when it existed already (or nothing was claimed). */
    private final Path created;

    private TrainOutput(FileChannel channel, FileLock lock, Path created) {
        this.channel = channel;
        this.lock = lock;
        this.created = created;
    }

    /** Claims {@code dir}, named as {@code --out DIR} in refusals. */
    static TrainOutput claim(Path dir, boolean ownCheckpoint, boolean overwrite) {
        return claim(dir, "--out " + dir, ownCheckpoint, false, overwrite);
    }

    /**
     * Claims {@code dir} (nothing to claim when null).
     *
     * @param label         how refusals name {@code dir} ("--out DIR", or where a resume saves)
     * @param ownCheckpoint the checkpoint in {@code dir} is the one being resumed
     * @param resuming      the run resumes a checkpoint (then another one in {@code dir} may be of the same run)
     * @param overwrite     the user allows replacing another run's checkpoint
     */
    static TrainOutput claim(Path dir, String label, boolean ownCheckpoint, boolean resuming, boolean overwrite) {
        if (dir == null) {
            return new TrainOutput(null, null, null);
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError(label + " is a file; expected a directory for checkpoints");
        }
        Path target = dir.resolve(ModelCheckpoints.FILE_NAME);
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            // The save renames a file onto this name: a directory there would fail it after all the training.
            throw new UserError(label + ": " + target + (Files.isDirectory(target) ? " is a directory" : " is not a"
                    + " regular file") + ", where the run's checkpoint file is to be saved; move it away or save"
                    + " into another directory");
        }
        boolean existed = Files.isDirectory(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            Path at = IoReason.file(e);
            // The folder that could not be made, when it is a parent of --out.
            throw new UserError(label + ": cannot create the directory: " + IoReason.of(e) + (at != null
                    && !at.toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize()) ? " (at " + at + ")"
                    : ""));
        }
        FileChannel channel;
        try {
            // Opening the lock file for writing is the real writability test (a read-only mount refuses even root).
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UserError(label + " is not writable: " + IoReason.of(e));
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            close(channel);
            throw new UserError(label + " is in use by another 'wafer train' (it holds " + LOCK_FILE
                    + "); wait for it to finish or choose another directory");
        }
        TrainOutput claimed = new TrainOutput(channel, lock, existed ? null : dir);
        // Each save renames a new file over checkpoint.wafer: refused now, not after the first hours of training.
        var special = dev.wafer.formats.fileio.FileKinds.nonRegular(dir.resolve(ModelCheckpoints.FILE_NAME));
        if (special.isPresent()) {
            claimed.close();
            throw new UserError(label + ": " + dir.resolve(ModelCheckpoints.FILE_NAME) + " is " + special.get()
                    + ", not a regular file; a checkpoint is saved by replacing it, which is done to regular files only");
        }
        if (!ownCheckpoint && !overwrite && Files.exists(dir.resolve(ModelCheckpoints.FILE_NAME))) {
            claimed.close();
            throw new UserError(label + (resuming ? " already holds " + ModelCheckpoints.FILE_NAME + ", which is not"
                    + " the checkpoint being resumed" : " already holds a checkpoint of another run")
                    + "; continue it with --resume " + ResumeCommand.quote(dir.toString()) + ", or pass --overwrite to replace it");
        }
        removeOrphans(dir);
        return claimed;
    }

    private static void removeOrphans(Path dir) {
        try (DirectoryStream<Path> orphans = Files.newDirectoryStream(dir, ORPHAN_GLOB)) {
            for (Path p : orphans) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UserError("--out " + dir + ": cannot remove a temporary checkpoint a killed run left: " + e);
        }
    }

    @Override
    public void close() {
        if (lock != null) {
            try {
                lock.release();
            } catch (IOException e) {
                // The channel's close below releases it as well.
            }
        }
        close(channel);
        removeIfUnused();
    }

    /** Deletes the directory this claim created when it holds nothing but the lock file. */
    private void removeIfUnused() {
        if (created == null) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(created)) {
            for (Path entry : entries) {
                if (!entry.getFileName().toString().equals(LOCK_FILE)) {
                    return;
                }
            }
        } catch (IOException e) {
            return; // Unlistable now: leave it; an empty run folder loses nothing.
        }
        try {
            Files.deleteIfExists(created.resolve(LOCK_FILE));
            Files.deleteIfExists(created);
        } catch (IOException e) {
            // Another process may have started using it (a new lock file, a checkpoint): leaving it is safe.
        }
    }

    private static void close(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing was written through it; closing the lock file cannot lose data.
        }
    }
}
