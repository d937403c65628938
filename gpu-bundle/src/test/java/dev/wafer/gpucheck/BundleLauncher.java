package dev.wafer.gpucheck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the assembled bundle's launcher the way a GPU machine would: an environment of its own, and a PATH of small
 * scripts that run the launcher's tools from /usr/bin, with no java among them (python3 is there when this machine
 * has one, as the GPU machine does).
 */
final class BundleLauncher {

    /** Commands the launcher uses; everything else (java above all) is absent from the PATH it gets. */
    private static final List<String> TOOLS = List.of("bash", "tar", "xz", "mkdir", "mktemp", "rm", "mv", "cut",
            "uname", "dirname", "sed", "grep", "cat");

    private final Path bundle;
    private final Path scratch;
    private final Path tools;
    private final Path home;

    /**
     * @param scratch HOME and TMPDIR of the launcher
     * @param home    where the payload is unpacked, or null for the launcher's default (in TMPDIR, named by the
     *                payload's hash, so later runs of the same payload reuse it)
     */
    BundleLauncher(Path bundle, Path scratch, Path home) throws IOException {
        this.bundle = bundle;
        this.scratch = scratch;
        this.home = home;
        this.tools = Files.createDirectories(scratch.resolve("tools"));
        for (String tool : TOOLS) {
            link(tools.resolve(tool), "/usr/bin/" + tool);
        }
        String python = python();
        if (python != null) {
            link(tools.resolve("python3"), python);
        }
    }

    /** The bundle Maven assembled in the package phase. */
    static Path bundle() {
        return Path.of(System.getProperty("wafer.gpuBundle", "target/gpu-check"));
    }

    /**
     * A launcher whose payload stays unpacked under target/ for the other tests of this JVM. Each test JVM (the build
     * runs two) has a folder of its own, {@code gpu-check-test-tmp/jvm-<pid>}, since a check's scratch folder lives
     * there too and must not be taken for a stale one by the other JVM; the folders of JVMs no longer alive (earlier
     * builds, killed runs: 140 MB each) are removed first.
     */
    static synchronized BundleLauncher shared() throws IOException {
        if (shared == null) {
            Path root = Files.createDirectories(bundle().resolveSibling("gpu-check-test-tmp"));
            try (Stream<Path> entries = Files.list(root)) {
                for (Path stale : entries.filter(p -> !alive(p.getFileName().toString())).toList()) {
                    deleteRecursively(stale);
                }
            }
            Path mine = Files.createDirectories(root.resolve("jvm-" + ProcessHandle.current().pid()));
            shared = new BundleLauncher(bundle(), mine, null);
        }
        return shared;
    }

    private static BundleLauncher shared;

    /** Whether {@code name} is the folder of a live JVM ({@code jvm-<pid>}); anything else there is stale. */
    private static boolean alive(String name) {
        if (!name.matches("jvm-\\d+")) {
            return false;
        }
        return ProcessHandle.of(Long.parseLong(name.substring(4))).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Removes a stale folder. The build's other test JVM may be removing the same one at the same time, so files that
     * vanish under the walk are not an error; a folder still there after three tries is.
     */
    private static void deleteRecursively(Path dir) throws IOException {
        for (int attempt = 1; Files.exists(dir); attempt++) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (NoSuchFileException | java.io.UncheckedIOException e) {
                if (attempt == 3) {
                    throw new IOException("could not remove the stale " + dir, e);
                }
            }
        }
    }

    /**
     * The stand-in CUDA libraries' folder, for a rehearsal on the CUDA backend, or a skip (or, when expected, a
     * failure) with the reason ({@link dev.wafer.adapters.cuda.StandInLibraries#orSkip()}).
     */
    static Path standInCudaOrSkip() {
        return dev.wafer.adapters.cuda.StandInLibraries.orSkip();
    }

    /** The launcher's TMPDIR. */
    Path tmpdir() {
        return scratch;
    }

    /** Whether this machine has a python3 (the launcher's stand-in for PyTorch needs it). */
    boolean hasPython() {
        return Files.exists(tools.resolve("python3"));
    }

    /** The launcher's process, started with the given arguments; its output is merged into one stream. */
    Process start(List<String> prefix, String... arguments) throws IOException {
        return start(Map.of(), prefix, arguments);
    }

    /** As {@link #start(List, String...)}, with {@code extra} added to the launcher's environment. */
    Process start(Map<String, String> extra, List<String> prefix, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("/usr/bin/bash", bundle.resolve("gpu-check").toAbsolutePath().toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", tools.toString());
        env.put("HOME", scratch.toString());
        env.put("TMPDIR", scratch.toString());
        if (home != null) {
            env.put("WAFER_GPU_CHECK_HOME", home.toString());
        }
        env.putAll(extra);
        return builder.start();
    }

    /** Runs to the end (at most 10 minutes) and returns exit status and output. */
    Result run(String... arguments) throws IOException, InterruptedException {
        return run(Map.of(), arguments);
    }

    /** As {@link #run(String...)}, with {@code extra} added to the launcher's environment. */
    Result run(Map<String, String> extra, String... arguments) throws IOException, InterruptedException {
        Process process = start(extra, List.of(), arguments);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the bundle ran past 10 minutes:\n" + output);
        }
        return new Result(process.exitValue(), output);
    }

    private static void link(Path script, String target) throws IOException {
        Files.writeString(script, "#!/usr/bin/bash\nexec " + target + " \"$@\"\n");
        script.toFile().setExecutable(true);
    }

    /** Whether this machine's PATH has a python3 (the PyTorch anchor's scripts run on it). */
    static boolean pythonOnPath() {
        return python() != null;
    }

    /** The real python3 behind whatever shim the test's PATH has, or null. */
    private static String python() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 && out.startsWith("/") ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    record Result(int exitCode, String output) {
    }
}
