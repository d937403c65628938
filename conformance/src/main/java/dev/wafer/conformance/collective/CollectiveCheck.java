package dev.wafer.conformance.collective;

import dev.wafer.conformance.support.Seeds;
import dev.wafer.ports.collective.Collective;

/**
 * One property of the collective port, checked on one rank. Every rank runs the same check with the same seed, so
 * each can compute what every other rank contributed. A check makes all its collective calls before it asserts
 * anything, so a failure on one rank never leaves the others waiting in a call it skipped.
 *
 * @param name the check's name, which also seeds it
 * @param body the check
 */
public record CollectiveCheck(String name, Body body) {
    /** The body of a check. */
    @FunctionalInterface
    public interface Body {
        /** Checks one property on {@code rank}; throws {@link AssertionError} when it does not hold. */
        void check(Collective rank, long seed) throws Exception;
    }

    /** The seed of this check (from {@code -Dwafer.seed} and the name), the same on every rank. */
    public long seed() {
        return Seeds.forTest("collective." + name);
    }

    /**
     * Runs the check on {@code rank}.
     *
     * @throws AssertionError naming the check, the rank and the seed when the property does not hold or the
     *                        collective throws
     */
    public void run(Collective rank) {
        try {
            body.check(rank, seed());
        } catch (AssertionError | Exception e) {
            throw new AssertionError(name + " failed on rank " + rank.rank() + " of " + rank.size() + " ("
                    + rank.description() + "), seed " + seed() + " (rerun with -Dwafer.seed=N to vary): " + e, e);
        }
    }
}
