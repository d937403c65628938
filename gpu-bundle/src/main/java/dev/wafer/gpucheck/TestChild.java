package dev.wafer.gpucheck;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The JUnit phase's own JVM: a native crash in a CUDA test ends this process, not the check. Runs the selected tests
 * through the JUnit Platform launcher, the way Surefire would, writing each event to a {@link TestLog}.
 * Usage: {@code TestChild LOG_FILE package:NAME|class:NAME...}. The simulator's test classes ({@link #SIMULATED})
 * are left out: they run the kernels on the host for machines without a GPU, which a GPU check does not need. The
 * classes run in {@link DeviceSuitesFirst}'s order.
 */
public final class TestChild {

    /**
     * The host-simulator suites of {@code dev.wafer.adapters.cuda} ({@code SimulatedCudaContractTest}, ...,
     * {@code StandInCudaContractTest}, {@code CudaSimulatorTest}).
     */
    static final String SIMULATED = ".*\\.(Simulated[^.]*|StandIn[^.]*|CudaSimulatorTest)";

    /** JUnit Jupiter's setting for the order of test classes. */
    static final String CLASS_ORDER = "junit.jupiter.testclass.order.default";

    private TestChild() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: TestChild LOG_FILE package:NAME|class:NAME...");
            System.exit(2);
        }
        List<DiscoverySelector> selectors = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            selectors.add(selector(args[i]));
        }
        try (TestLog.Writer log = new TestLog.Writer(Path.of(args[0]))) {
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectors)
                            .filters(ClassNameFilter.excludeClassNamePatterns(SIMULATED))
                            .configurationParameter(CLASS_ORDER, DeviceSuitesFirst.class.getName()).build(),
                    new TestRun(log));
            log.done();
        }
    }

    private static DiscoverySelector selector(String text) {
        if (text.startsWith("package:")) {
            return selectPackage(text.substring("package:".length()));
        }
        if (text.startsWith("class:")) {
            return selectClass(text.substring("class:".length()));
        }
        throw new IllegalArgumentException("selector: expected package:NAME or class:NAME, found '" + text + "'");
    }
}
