package dev.wafer.gpucheck;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import dev.wafer.adapters.cuda.HostOnly;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The JUnit phase's own JVM: a native crash in a CUDA test ends this process, not the check. Runs the selected tests
 * through the JUnit Platform launcher, the way Surefire would, writing each event to a {@link TestLog}.
 * Usage: {@code TestChild LOG_FILE package:NAME|class:NAME...}. The classes tagged {@link HostOnly} are left out:
 * they run the backend against stand-ins on the host (the simulator's suites take minutes), which CI does on every
 * build and a GPU check need not repeat on the device's time. The classes run in {@link DeviceSuitesFirst}'s order.
 */
public final class TestChild {

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
            LauncherFactory.create().execute(request(selectors), new TestRun(log));
            log.done();
        }
    }

    /** What the child asks JUnit to run: the selected classes less the host-only ones, device suites first. */
    static LauncherDiscoveryRequest request(List<DiscoverySelector> selectors) {
        return LauncherDiscoveryRequestBuilder.request().selectors(selectors)
                .filters(TagFilter.excludeTags(HostOnly.TAG))
                .configurationParameter(CLASS_ORDER, DeviceSuitesFirst.class.getName()).build();
    }

    static DiscoverySelector selector(String text) {
        if (text.startsWith("package:")) {
            return selectPackage(text.substring("package:".length()));
        }
        if (text.startsWith("class:")) {
            return selectClass(text.substring("class:".length()));
        }
        throw new IllegalArgumentException("selector: expected package:NAME or class:NAME, found '" + text + "'");
    }
}
