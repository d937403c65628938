package dev.wafer.gpucheck;

import static dev.wafer.gpucheck.GpuCheckBundleTest.phase;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed from outside (SIGKILL to its whole process group, as a machine's time limit would) in the middle of a
 * late phase: the report on disk is valid JSON holding every earlier phase's result and the phase it died in. Stopped
 * with SIGTERM instead, the runner says so in the report and leaves no child behind.
 */
class KilledRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void killedInTheBf16BenchesTheReportKeepsEveryEarlierPhase(@TempDir Path tmp) throws Exception {
        Path report = tmp.resolve("gpu-check.json");
        // setsid: the bundle leads a process group of its own, which the kill below takes whole. The tests are
        // skipped (recorded, not run): RehearsalTest runs them, and here they would only delay the kill by a minute.
        Process run = BundleLauncher.shared().start(List.of("/usr/bin/setsid"), "--rehearse", "--report",
                report.toString(), "--skip", "tests");
        StringBuilder output = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                output.append(new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                output.append(e);
            }
        });
        long group = leaderGroup(run);

        String victim = waitForRunningPhase(run, report, output);
        new ProcessBuilder("/usr/bin/bash", "-c", "kill -KILL -- -" + group).start().waitFor();
        assertTrue(run.waitFor(30, TimeUnit.SECONDS), "the launcher survived SIGKILL");
        reader.join(10_000);
        waitUntilGroupIsGone(group, 30);

        JsonNode json = JSON.readTree(Files.readString(report)); // strict parse: the last write was whole
        String text = json.toPrettyString();
        assertEquals("running", json.path("status").asText(), text);
        JsonNode phases = json.path("phases");
        JsonNode last = phases.get(phases.size() - 1);
        // The phase seen running, or (if it ended in the instant before the kill) a later one, is left "running".
        assertEquals("running", last.path("status").asText(), text);
        assertTrue(RehearsalTest.PHASES.indexOf(last.path("name").asText()) >= RehearsalTest.PHASES.indexOf(victim),
                "died in " + last.path("name").asText() + ", before " + victim);
        List<String> before = new ArrayList<>();
        for (int i = 0; i < phases.size() - 1; i++) {
            before.add(phases.get(i).path("name").asText());
            assertTrue(List.of("ok", "passed", "skipped: --skip tests").contains(phases.get(i).path("status")
                    .asText()), phases.get(i).toPrettyString());
        }
        // Everything the rehearsal runs before the bf16 benches is there, with its figures.
        assertEquals(RehearsalTest.PHASES.subList(0, before.size()), before, text);
        assertTrue(before.size() >= 8, "killed before the bf16 benches: " + before);
        assertEquals("skipped: --skip tests", phase(json, "tests fast").path("status").asText(), text);
        assertTrue(phase(json, "bench rehearsal seq64 batch2 fp32 (cpu)").path("wafer").path("tokens_per_s")
                .asDouble() > 0, text);
        assertTrue(phase(json, "pytorch eager rehearsal seq64 batch2 bf16 (cpu)").path("torch")
                .path("tokens_per_s").asDouble() > 0, text);
        assertTrue(json.path("device").isObject(), text);
        // The page beside it is written right after each report (so SIGKILL may leave it one write behind): it still
        // shows the phases that ended before the victim started.
        String page = Files.readString(tmp.resolve("gpu-check.md"));
        assertTrue(page.startsWith("# GPU check (rehearse): RUNNING"), page);
        assertTrue(page.contains("| bench rehearsal seq64 batch2 fp32 (cpu) | ok |"), page);
    }

    @Test
    void stoppedWithSigtermDuringTheTestsTheRunnerTakesItsChildDownAndSaysSo(@TempDir Path tmp) throws Exception {
        Path report = tmp.resolve("gpu-check.json");
        Process run = BundleLauncher.shared().start(List.of("/usr/bin/setsid"), "--rehearse", "--report",
                report.toString());
        Thread.ofVirtual().start(() -> {
            try {
                run.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // the test reads the report, not the output
            }
        });
        long group = leaderGroup(run);
        waitForRunningPhase(run, report, new StringBuilder(), p -> p.path("name").asText().equals("tests fast"));
        // Only the runner gets SIGTERM (as from timeout(1)); its test child must not outlive it.
        new ProcessBuilder("/usr/bin/bash", "-c", "kill -TERM " + run.pid()).start().waitFor();
        assertTrue(run.waitFor(30, TimeUnit.SECONDS), "the runner ignored SIGTERM");
        // The test child had seconds of suite left: only the runner's shutdown hook ends it this soon.
        waitUntilGroupIsGone(group, 5);
        JsonNode json = JSON.readTree(Files.readString(report));
        assertEquals("interrupted", json.path("status").asText(), json.toPrettyString());
        assertTrue(json.path("work_dir").asText().contains("wafer-gpu-check-"), json.toPrettyString());
        assertFalse(Files.exists(Path.of(json.path("work_dir").asText())), "scratch folder left behind");
        assertEquals("ok", phase(json, "device").path("status").asText(), json.toPrettyString());
        assertEquals("interrupted", phase(json, "tests fast").path("status").asText(), json.toPrettyString());
        String page = Files.readString(tmp.resolve("gpu-check.md"));
        assertTrue(page.startsWith("# GPU check (rehearse): INTERRUPTED"), page);
        assertTrue(page.contains("| tests fast | interrupted |"), page);
    }

    /** Polls the report (which must parse at every read) until a bf16 bench is running; returns its name. */
    private static String waitForRunningPhase(Process run, Path report, StringBuilder output) throws Exception {
        return waitForRunningPhase(run, report, output, p -> p.path("group").asText().equals("bench")
                && p.path("name").asText().contains("bf16"));
    }

    /** Polls the report (which must parse at every read) until a phase {@code wanted} is running. */
    private static String waitForRunningPhase(Process run, Path report, StringBuilder output,
            Predicate<JsonNode> wanted) throws Exception {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < end) {
            if (!run.isAlive()) {
                throw new AssertionError("the run ended before the phase awaited started:\n" + output);
            }
            if (Files.exists(report)) {
                JsonNode json = JSON.readTree(Files.readString(report));
                for (JsonNode p : json.path("phases")) {
                    if (wanted.test(p) && p.path("status").asText().equals("running")) {
                        return p.path("name").asText();
                    }
                }
            }
            Thread.sleep(50);
        }
        run.destroyForcibly();
        throw new AssertionError("the phase awaited was not running within 5 minutes:\n" + output);
    }

    /** The process group setsid gives the launcher: its own pid, once setsid has run (a moment after the start). */
    private static long leaderGroup(Process run) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end && run.isAlive()) {
            if (processGroup(run.pid()) == run.pid()) {
                return run.pid();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("setsid did not make the launcher a process group leader");
    }

    private static long processGroup(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        // Fields after the command name, which is in parentheses and may hold spaces: state ppid pgrp ...
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[2]);
    }

    /** Every process of the group ends: no child of the killed run (JVM, python) is left behind. */
    private static void waitUntilGroupIsGone(long group, long seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Long> left = members(group);
        while (!left.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(100);
            left = members(group);
        }
        assertTrue(left.isEmpty(), "processes of the killed group still alive: " + left);
    }

    private static List<Long> members(long group) throws IOException {
        List<Long> members = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .toList()) {
                try {
                    long pid = Long.parseLong(p.getFileName().toString());
                    String state = Files.readString(p.resolve("stat"));
                    boolean zombie = state.substring(state.lastIndexOf(')') + 2).startsWith("Z");
                    if (!zombie && processGroup(pid) == group) {
                        members.add(pid);
                    }
                } catch (IOException e) {
                    // the process ended while we looked
                }
            }
        }
        return members;
    }
}
