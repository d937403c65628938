package dev.wafer.conformance;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.TestInfo;

import dev.wafer.conformance.support.Fixture;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.ComputeBackend;

/** The root of the contract interfaces: supplies the backend under test. */
public interface BackendContract {
    /** The backend under test; the implementing test class owns (opens and closes) it. */
    ComputeBackend backend();

    /** A fixture seeded by the test method's name (the same seed on every backend). */
    default Fixture fixture(TestInfo info) {
        String name = info.getTestMethod().map(java.lang.reflect.Method::getName).orElse(info.getDisplayName());
        return new Fixture(backend(), name);
    }

    /** Skips the calling test, for exactly this declared reason, when the backend lacks {@code c}. */
    default void assumeCapable(Capability c) {
        assumeTrue(backend().capabilities().contains(c), () -> backend().name() + " does not declare " + c);
    }
}
