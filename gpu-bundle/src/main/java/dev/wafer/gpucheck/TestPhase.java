package dev.wafer.gpucheck;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One test suite run in a child JVM ({@link TestChild}) and read back from its {@link TestLog}: a crash or a timeout of
 * the child is a result like any other, with the tests that finished, the one that was running and the output's end.
 */
record TestPhase(TestSuite suite, ProcessRun run, TestLog log) implements Recorded {

    static final String PASSED = "passed";
    static final String CRASHED = "crashed";
    static final String TIMED_OUT = "timed out";

    /** Runs {@code suite} in a child with {@code env} (plus the kernel variant) for at most {@code budget}. */
    static TestPhase run(Children children, TestSuite suite, Map<String, String> env, Duration budget, Path workDir) {
        try {
            Path logFile = Files.createTempFile(workDir, "tests-" + suite.variant() + "-", ".jsonl");
            List<String> arguments = new ArrayList<>(List.of(logFile.toString()));
            arguments.addAll(suite.selectors());
            Map<String, String> childEnv = new HashMap<>(env);
            childEnv.put(GpuCheck.KERNELS_ENV, suite.variant());
            ProcessRun run = ProcessRun.of(children.java(TestChild.class.getName(), arguments), childEnv, budget);
            return new TestPhase(suite, run, TestLog.read(logFile));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the test log in " + workDir, e);
        }
    }

    long failed() {
        return log.count(TestOutcome.Status.FAILED);
    }

    /** Passed, failed (a test failed, or none ran), crashed (the child died) or timed out. */
    String status() {
        if (run.timedOut()) {
            return TIMED_OUT;
        }
        if (!log.done()) {
            return CRASHED;
        }
        return failed() == 0 && !log.outcomes().isEmpty() ? PASSED : Report.FAILED;
    }

    boolean passed() {
        return status().equals(PASSED);
    }

    @Override
    public String record(ObjectNode phase) {
        phase.put("kernel_variant", suite.variant());
        ArrayNode selectors = phase.putArray("selectors");
        suite.selectors().forEach(selectors::add);
        phase.put("passed", log.count(TestOutcome.Status.PASSED));
        phase.put("failed", failed());
        phase.put("skipped", log.count(TestOutcome.Status.SKIPPED));
        phase.put("child", run.ending());
        log.running().ifPresent(t -> phase.put("running_when_it_ended", t));
        if (!log.done()) {
            phase.put("output_tail", run.tail());
        } else if (log.outcomes().isEmpty()) {
            phase.put("note", "no tests of " + String.join(", ", suite.selectors()) + " on the class path");
        }
        ArrayNode results = phase.putArray("results");
        for (TestOutcome t : log.outcomes()) {
            results.addObject().put("test", t.test()).put("status", t.status().name().toLowerCase(Locale.ROOT))
                    .put("detail", t.detail());
        }
        return status();
    }

    /** One line for the summary, e.g. {@code fast 70 passed, 0 failed, 30 skipped}. */
    String summary() {
        String counts = log.count(TestOutcome.Status.PASSED) + " passed, " + failed() + " failed, "
                + log.count(TestOutcome.Status.SKIPPED) + " skipped";
        return suite.variant() + " " + counts + (status().equals(CRASHED) || status().equals(TIMED_OUT)
                ? " (" + status() + ")" : "");
    }
}
