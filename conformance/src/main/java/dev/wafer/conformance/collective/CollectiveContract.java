package dev.wafer.conformance.collective;

import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import dev.wafer.ports.collective.Collective;

/**
 * The collective contract for a collective that is the whole run in this process (one rank), as one JUnit test per
 * check:
 * <pre>{@code
 * class SingleProcessCollectiveContractTest implements CollectiveContract {
 *     public Collective collective() { return SingleProcess.instance(); }
 * }
 * }</pre>
 * Runs of several ranks call {@link CollectiveChecks#runAll} on every rank and report with {@link RankVerdicts}.
 */
public interface CollectiveContract {
    /** The collective under test, of size 1. */
    Collective collective();

    @TestFactory
    default Stream<DynamicTest> collectiveContract() {
        return CollectiveChecks.all().stream()
                .map(check -> DynamicTest.dynamicTest(check.name(), () -> check.run(collective())));
    }
}
