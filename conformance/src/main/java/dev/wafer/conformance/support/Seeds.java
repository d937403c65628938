package dev.wafer.conformance.support;

/**
 * Seeds for random tests. Each test derives its seed from a base seed and its own name, so tests are independent
 * and reproducible; the base can be changed with {@code -Dwafer.seed=N} to explore, and failures print the seed.
 */
public final class Seeds {
    /** The base seed when {@code wafer.seed} is not set. */
    public static final long DEFAULT_BASE = 20230328L;

    private Seeds() {
    }

    /** The seed of the test called {@code testName}. */
    public static long forTest(String testName) {
        long base = Long.getLong("wafer.seed", DEFAULT_BASE);
        return base * 0x9E3779B97F4A7C15L + testName.hashCode();
    }
}
