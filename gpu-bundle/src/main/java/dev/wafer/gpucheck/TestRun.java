package dev.wafer.gpucheck;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Turns the JUnit Platform's events into {@link TestLog} lines as they happen: each test's start, then its outcome
 * (containers only when they fail or are skipped), so that a crash leaves the finished tests and the one it was in.
 */
final class TestRun implements TestExecutionListener {

    private final TestLog.Writer log;
    private TestPlan plan;

    TestRun(TestLog.Writer log) {
        this.log = log;
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        if (id.isTest()) {
            log.started(name(id));
        }
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        log.finished(new TestOutcome(name(id), TestOutcome.Status.SKIPPED, reason));
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        switch (result.getStatus()) {
            case SUCCESSFUL -> {
                if (id.isTest()) {
                    log.finished(new TestOutcome(name(id), TestOutcome.Status.PASSED, ""));
                }
            }
            // An assumption that did not hold: JUnit's way of skipping from inside a test.
            case ABORTED -> log.finished(new TestOutcome(name(id), TestOutcome.Status.SKIPPED, message(result)));
            case FAILED -> log.finished(new TestOutcome(name(id), TestOutcome.Status.FAILED, message(result)));
        }
    }

    private String name(TestIdentifier id) {
        StringBuilder name = new StringBuilder(id.getDisplayName());
        for (var parent = plan.getParent(id); parent.isPresent() && parent.get().getParentId().isPresent();
                parent = plan.getParent(parent.get())) {
            name.insert(0, parent.get().getDisplayName() + " > ");
        }
        return name.toString();
    }

    private static String message(TestExecutionResult result) {
        return result.getThrowable()
                .map(t -> t.getClass().getSimpleName() + ": " + String.valueOf(t.getMessage()).lines().findFirst()
                        .orElse(""))
                .orElse("");
    }
}
