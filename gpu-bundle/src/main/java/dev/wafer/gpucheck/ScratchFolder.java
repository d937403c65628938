package dev.wafer.gpucheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The check's scratch folder (test logs, the training checkpoint): made at the start, removed at the end. */
final class ScratchFolder {
    private final Path path;

    private ScratchFolder(Path path) {
        this.path = path;
    }

    /** A new, empty folder in the JVM's temporary directory. */
    static ScratchFolder create() throws IOException {
        return new ScratchFolder(Files.createTempDirectory("wafer-gpu-check-"));
    }

    Path path() {
        return path;
    }

    /**
     * Removes the folder and everything in it. Twice: the main thread's final clean-up and the shutdown hook may
     * meet, and a file may appear between a walk and its directory's removal.
     */
    void delete() {
        for (int attempt = 0; attempt < 2 && Files.exists(path); attempt++) {
            try (Stream<Path> paths = Files.walk(path)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                if (attempt == 1) {
                    System.err.println("gpu-check: could not remove " + path + ": " + e.getMessage());
                }
            }
        }
    }
}
