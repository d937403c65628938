package dev.wafer.formats.data;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.wafer.formats.fileio.ExclusiveLock;
import dev.wafer.formats.input.InvalidInputException;

/**
 * Where {@code wafer data prepare --out DIR} builds, and how the result replaces DIR. The dataset is built in
 * {@code .DIR.prepare-PID} beside DIR, and only a complete one is swapped in: DIR is renamed to
 * {@code .DIR.old-PID}, the build to DIR, and the old one deleted. Between the two renames (two system calls) DIR
 * does not exist; a run killed there leaves the old dataset as {@code .DIR.old-PID}, and the next run in that
 * directory puts it back before anything else. A failed run deletes its build, so DIR is never half-written, and
 * directories a killed run left (builds, old datasets, a {@code .shuffle-tmp} inside DIR) are removed by the next
 * run. Whether a run is still going is told by an exclusive lock on {@code .DIR.prepare.lock} beside DIR, held from
 * {@link #begin()} to the end, which the operating system releases when the process dies: a recorded process id may
 * belong to a live process again (in a container Wafer is often process 1 every time), which used to refuse every
 * later run.
 */
final class DatasetStaging {
    private static final Pattern ORPHAN = Pattern.compile("(prepare|old)-(\\d+)");

    private final Path out;
    private final Path parent;
    private final String prefix;
    private final long pid;
    private ExclusiveLock lock;
    /** Whether the build was swapped in, or abandoned on a signal; guarded by this. */
    private boolean committed;
    private boolean abandoned;

    DatasetStaging(Path out) {
        this(out, ProcessHandle.current().pid());
    }

    /**
     * @param owner the process that builds and commits: this one, or rank 0 of a multi-rank preparation, whose
     *              build directory the other ranks share
     */
    DatasetStaging(Path out, long owner) {
        this.pid = owner;
        this.out = out.toAbsolutePath().normalize();
        this.parent = this.out.getParent();
        if (parent == null) {
            throw new InvalidInputException("--out " + out + ": cannot prepare a dataset into the root directory");
        }
        this.prefix = "." + this.out.getFileName() + ".";
    }

    /** The directory the dataset is built in. */
    Path build() {
        return parent.resolve(prefix + "prepare-" + pid);
    }

    private Path old() {
        return parent.resolve(prefix + "old-" + pid);
    }

    /**
     * Before any work: restores or removes what a killed run left, refuses an output that is not a dataset
     * directory, and creates an empty build directory.
     *
     * @throws InvalidInputException when {@code --out} is a file, holds other files, or is being prepared by a
     *                               running process
     */
    void begin() throws IOException {
        for (Path p = parent; p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new InvalidInputException("--out " + out + ": " + p + " is a file, not a directory");
            }
        }
        Files.createDirectories(parent);
        claim();
        try {
            recoverOrphans();
            checkReplaceable();
            DatasetFiles.deleteTree(build());
            synchronized (this) {
                if (abandoned) {
                    throw new IOException("stopped by a signal"); // the handler is halting the JVM
                }
                Files.createDirectory(build());
            }
        } catch (IOException | RuntimeException | Error e) {
            release();
            throw e;
        }
    }

    /** The lock that says a run is preparing {@code --out}; see the class comment. */
    private void claim() throws IOException {
        Path file = parent.resolve(prefix + "prepare.lock");
        lock = ExclusiveLock.tryAcquire(file).orElseThrow(() -> new InvalidInputException("--out " + out
                + " is being prepared by another 'wafer data prepare' (it holds " + file + "); wait for it or stop"
                + " it"));
    }

    private void release() {
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }

    private void recoverOrphans() throws IOException {
        List<Path> entries;
        try (var list = Files.list(parent)) {
            entries = list.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
        for (Path p : entries) {
            Matcher m = ORPHAN.matcher(p.getFileName().toString().substring(prefix.length()));
            if (!m.matches()) {
                continue;
            }
            // This run holds the lock: whatever a build or old copy's process id, that run is over.
            if (m.group(1).equals("old") && !Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
                // Killed between the two renames of a swap: the previous dataset is complete, put it back.
                Files.move(p, out, StandardCopyOption.ATOMIC_MOVE);
            } else {
                DatasetFiles.deleteTree(p);
            }
        }
        DatasetFiles.deleteTree(out.resolve(DatasetDirectory.SHUFFLE_TMP));
    }

    private void checkReplaceable() throws IOException {
        if (!Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isSymbolicLink(out)) {
            // Refused, not followed: the swap renames --out itself, so the new dataset would replace the link with
            // a directory and the old one at its target would stay, no longer the dataset the link's users read.
            throw new InvalidInputException("--out " + out + " is a symbolic link (to " + Files.readSymbolicLink(out)
                    + "); give the directory itself" + (Files.isDirectory(out) ? ": --out " + out.toRealPath() : ""));
        }
        if (!Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidInputException("--out " + out + " exists and is not a directory");
        }
        try (var list = Files.list(out)) {
            for (Path p : list.sorted().toList()) {
                if (!DatasetLayout.isDatasetFile(p.getFileName().toString())) {
                    throw new InvalidInputException("--out " + out + " holds " + p.getFileName() + ", which is not part"
                            + " of a Wafer dataset; preparing replaces the whole directory, so choose a new or empty"
                            + " one (or a previous dataset's)");
                }
            }
        }
    }

    /** Swaps the complete build in for {@code --out}; see the class comment for the window this leaves. */
    void commit() throws IOException {
        try {
            swap();
        } finally {
            release();
        }
    }

    private synchronized void swap() throws IOException {
        if (abandoned) {
            throw new IOException("stopped by a signal: the build was removed"); // the handler is halting the JVM
        }
        committed = true;
        syncDirectory(build());
        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(out, old(), StandardCopyOption.ATOMIC_MOVE);
            Files.move(build(), out, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(parent);
            DatasetFiles.deleteTree(old());
        } else {
            Files.move(build(), out, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(parent);
        }
    }

    /** Deletes the build after a failure; {@code --out} is as it was. */
    void abort(Throwable failure) {
        try {
            DatasetFiles.deleteTree(build());
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        } finally {
            release();
        }
    }

    /**
     * Called on SIGINT or SIGTERM, from the signal's thread while the run may still be writing: removes the build
     * (a killed run's is removed only by a later run into the same --out, and with another --out never), unless the
     * new dataset was already swapped in; afterwards this staging neither creates nor swaps in a build. Writers still
     * running may add files while it deletes, so it deletes until the build is gone.
     *
     * @return what is now true of --out, for the line the run ends with
     */
    synchronized String abandon() {
        if (committed) {
            return "the new dataset was already in place in " + out;
        }
        abandoned = true;
        String intact = Files.exists(out, LinkOption.NOFOLLOW_LINKS) ? "the dataset in " + out + " is as it was"
                : "nothing was written to " + out;
        Exception last = null;
        for (int attempt = 0; attempt < 100 && Files.exists(build(), LinkOption.NOFOLLOW_LINKS); attempt++) {
            try {
                DatasetFiles.deleteTree(build());
            } catch (IOException | RuntimeException e) {
                last = e; // a file added or removed under the walk: delete again
                try {
                    Thread.sleep(10);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (Files.exists(build(), LinkOption.NOFOLLOW_LINKS)) {
            return intact + "; its partial build " + build() + " could not be removed (" + last + "); the next"
                    + " 'wafer data prepare --out " + out + "' removes it";
        }
        return "its partial build was removed and " + intact;
    }

    /** Makes renames in {@code dir} durable where the platform allows opening a directory (Linux does). */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform can sync a directory; the rename itself is still atomic.
        }
    }
}
