package dev.wafer.gpucheck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A finished child process: exit status and what it printed (stdout and stderr together). */
record ProcessRun(int exitCode, String output) {

    /** Runs {@code command} to completion, or kills it after {@code timeoutSeconds} (exit code 124, like timeout(1)). */
    static ProcessRun of(List<String> command, long timeoutSeconds) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[][] out = new byte[1][];
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    out[0] = process.getInputStream().readAllBytes();
                } catch (IOException e) {
                    out[0] = ("reading output failed: " + e.getMessage()).getBytes(StandardCharsets.UTF_8);
                }
            });
            boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly().waitFor();
            }
            reader.join();
            String text = new String(out[0], StandardCharsets.UTF_8);
            return new ProcessRun(finished ? process.exitValue() : 124,
                    finished ? text : text + "\n(killed after " + timeoutSeconds + " s)");
        } catch (IOException e) {
            return new ProcessRun(127, "could not start " + command.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ProcessRun(130, "interrupted");
        }
    }

    /** The last line that looks like a JSON object, or empty: both benches print their result that way. */
    String lastJsonLine() {
        List<String> lines = output.lines().map(String::strip).filter(l -> l.startsWith("{") && l.endsWith("}"))
                .toList();
        return lines.isEmpty() ? "" : lines.getLast();
    }

    /** The last non-blank line: the one-line reason a command gives when it refuses. */
    String lastLine() {
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.getLast().strip();
    }
}
