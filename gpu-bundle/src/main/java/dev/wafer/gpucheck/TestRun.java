package dev.wafer.gpucheck;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs every test class of one package found on the class path (the CUDA adapter's test jar) through the JUnit
 * Platform launcher, the way Surefire would, and keeps each test's outcome.
 */
final class TestRun implements TestExecutionListener {

    private final List<TestOutcome> outcomes = new ArrayList<>();
    private TestPlan plan;

    /** Runs the tests of {@code packageName} and returns one outcome per test (containers only when they fail). */
    static List<TestOutcome> run(String packageName) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectPackage(packageName))
                .build();
        TestRun run = new TestRun();
        LauncherFactory.create().execute(request, run);
        return List.copyOf(run.outcomes);
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        outcomes.add(new TestOutcome(name(id), TestOutcome.Status.SKIPPED, reason));
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        switch (result.getStatus()) {
            case SUCCESSFUL -> {
                if (id.isTest()) {
                    outcomes.add(new TestOutcome(name(id), TestOutcome.Status.PASSED, ""));
                }
            }
            // An assumption that did not hold: JUnit's way of skipping from inside a test.
            case ABORTED -> outcomes.add(new TestOutcome(name(id), TestOutcome.Status.SKIPPED, message(result)));
            case FAILED -> outcomes.add(new TestOutcome(name(id), TestOutcome.Status.FAILED, message(result)));
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
