package dev.wafer.adapters.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Every kernel precompiled to PTX for compute_80 and compute_90 once per test JVM, then copied into each test's own
 * cache folder: {@link PtxPrecompiler} takes several seconds for the twelve files and two architectures, and the
 * tests that only need its output (not the precompiler itself, which {@link PrebuiltPtxTest} runs) ran it again each.
 * Each test still gets a folder of its own, so nothing one test's backend writes there reaches another.
 */
final class PrecompiledPtx {
    private static Path shared;
    /** What {@link PtxPrecompiler#precompile} returned for the shared folder. */
    private static List<Path> written;

    private PrecompiledPtx() {
    }

    /**
     * The files {@link PtxPrecompiler#precompile} wrote for compute_80 and compute_90, as it returned them (in the
     * shared folder), precompiling first if no test has yet.
     */
    static synchronized List<Path> precompilerOutput() {
        if (shared == null) {
            try {
                Path none = Files.createTempDirectory("wafer-precompiled-ptx-none-");
                none.toFile().deleteOnExit();
                into(none, List.of()); // precompiles into the shared folder and copies nothing
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return written;
    }

    /** Copies the PTX of {@code architectures} (a subset of 80 and 90) into {@code dir}; the files copied. */
    static synchronized List<Path> into(Path dir, List<Integer> architectures) {
        try {
            if (shared == null) {
                Path made = Files.createTempDirectory("wafer-precompiled-ptx-");
                written = List.copyOf(PtxPrecompiler.precompile(made, List.of(80, 90)));
                made.toFile().deleteOnExit();
                try (var files = Files.list(made)) {
                    files.forEach(f -> f.toFile().deleteOnExit());
                }
                shared = made;
            }
            Files.createDirectories(dir);
            List<Path> copied = new ArrayList<>();
            try (var files = Files.list(shared)) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (architectures.stream().anyMatch(a -> name.contains("compute_" + a))) {
                        copied.add(Files.copy(f, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING));
                    }
                }
            }
            return copied;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
