package dev.wafer.gpucheck;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Command lines of the check's children: JVMs of the bundled runtime on the bundle's class path (the wafer CLI, the
 * test child) and python3 scripts. Every child is its own process, so one crash or hang cannot end the check.
 */
final class Children {

    static final String WAFER_MAIN = "dev.wafer.app.cli.WaferMain";

    private final String java;
    private final String classPath;

    Children(String javaHome, String classPath) {
        this.java = Path.of(javaHome, "bin", "java").toString();
        this.classPath = classPath;
    }

    /** The children of this JVM: same runtime, same class path. */
    static Children ofThisJvm() {
        return new Children(System.getProperty("java.home"), System.getProperty("java.class.path"));
    }

    /** {@code java MAIN ARGS} with the flags the CLI needs (vector API, FFM, deep recursion, heap for training). */
    List<String> java(String mainClass, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Xss4m", "-XX:MaxRAMPercentage=75", "-cp", classPath,
                mainClass));
        command.addAll(arguments);
        return command;
    }

    /** {@code wafer ARGS}. */
    List<String> wafer(List<String> arguments) {
        return java(WAFER_MAIN, arguments);
    }

    /** {@code python3 SCRIPT ARGS}. */
    static List<String> python(Path script, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of("python3", script.toString()));
        command.addAll(arguments);
        return command;
    }

    /**
     * Kills every process this one started, and waits up to 5 s for each to be gone; no child starts after this
     * ({@link StartGate}).
     */
    static void killAll() {
        List<ProcessHandle> children = StartGate.CHECK.close();
        children.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle child : children) {
            try {
                child.onExit().get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                System.err.println("gpu-check: child " + child.pid() + " did not end within 5 s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
