package dev.wafer.gpucheck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A finished child process: exit status and what it printed (stdout and stderr together).
 *
 * @param timedOut whether it was killed at its time limit (then {@code exitCode} is 124, like timeout(1))
 */
record ProcessRun(int exitCode, String output, boolean timedOut, Duration elapsed) {

    /** Exit code of a child killed at its limit. */
    static final int TIMED_OUT = 124;
    /** Exit code of a command that could not be started. */
    static final int NOT_STARTED = 127;
    /** Characters of output the report keeps from a failed child: the end, where the reason is. */
    static final int TAIL_CHARS = 4000;
    /** A frame of a Java stack trace ({@code \tat pkg.Class.method(File.java:12)}) or its {@code ... 5 more}. */
    private static final java.util.regex.Pattern STACK_FRAME = java.util.regex.Pattern.compile(
            "\\s+(at \\S|\\.\\.\\. \\d+ more)");

    /**
     * Runs {@code command} with {@code env} added to this process's environment, or kills it, and every process it
     * started, after {@code limit}.
     */
    static ProcessRun of(List<String> command, Map<String, String> env, Duration limit) {
        return of(StartGate.CHECK, command, env, limit);
    }

    /** As {@link #of(List, Map, Duration)}, started through {@code gate}. */
    static ProcessRun of(StartGate gate, List<String> command, Map<String, String> env, Duration limit) {
        long start = System.nanoTime();
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(env);
            Process process = gate.start(builder);
            byte[][] out = new byte[1][];
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    out[0] = process.getInputStream().readAllBytes();
                } catch (IOException e) {
                    out[0] = ("reading output failed: " + e.getMessage()).getBytes(StandardCharsets.UTF_8);
                }
            });
            boolean finished = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                // Descendants first: a grandchild holding the pipe open would keep the reader waiting forever.
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
            if (!reader.join(Duration.ofSeconds(5))) {
                out[0] = "(output unreadable: a process it started still holds the pipe)".getBytes(
                        StandardCharsets.UTF_8);
            }
            String text = new String(out[0], StandardCharsets.UTF_8);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            return finished ? new ProcessRun(process.exitValue(), text, false, elapsed)
                    : new ProcessRun(TIMED_OUT, text + "\n(killed after " + limit.toSeconds() + " s)", true, elapsed);
        } catch (IOException e) {
            return new ProcessRun(NOT_STARTED, "could not start " + command.getFirst() + ": " + e.getMessage(), false,
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ProcessRun(130, "interrupted", false, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    boolean ok() {
        return exitCode == 0;
    }

    /**
     * The last non-blank line that is not a Java stack frame: the one-line reason a command gives when it refuses, or
     * the exception (or its last cause) above a trace, not the trace's last frame ({@code at ...WaferMain.main}).
     */
    String lastLine() {
        List<String> lines = output.lines().filter(l -> !l.isBlank() && !STACK_FRAME.matcher(l).lookingAt()).toList();
        return lines.isEmpty() ? "" : lines.getLast().strip();
    }

    /** The end of the output, for the report when something went wrong. */
    String tail() {
        return output.length() <= TAIL_CHARS ? output : "..." + output.substring(output.length() - TAIL_CHARS);
    }

    /** How the run ended, in the report's words. */
    String ending() {
        if (timedOut) {
            return "timed out after " + elapsed.toSeconds() + " s";
        }
        return exitCode == 0 ? "exit 0" : "exit " + exitCode;
    }
}
