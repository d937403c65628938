package dev.wafer.domain.cluster;

import dev.wafer.ports.collective.Collective;

/**
 * Checks that every rank is about to train the same run: rank 0 broadcasts a fingerprint of its resolved run (the
 * spec, position and CPU count) and any rank whose own differs refuses to start. Without it, a rank that picked
 * another micro-batch (a different heap) or seed would silently train a different model.
 */
public final class RunAgreement {
    private RunAgreement() {
    }

    /**
     * Compares this rank's run description and CPU count with rank 0's; a single rank always agrees.
     *
     * @param description the resolved run as text (equal texts: equal runs)
     * @param remedy      what a caller should make equal on every rank (the CLI names its flags), said in the
     *                    reason when the runs differ
     * @return empty when this rank agrees with rank 0, else a one-line reason
     */
    public static java.util.Optional<String> check(Collective ranks, String description, String remedy) {
        if (ranks.size() == 1) {
            return java.util.Optional.empty();
        }
        int processors = Runtime.getRuntime().availableProcessors();
        // Doubles carry 53 bits exactly: the hash's 32 bits and the processor count survive the broadcast.
        double[] mine = {description.hashCode(), processors};
        double[] lead = mine.clone();
        ranks.broadcast(lead, 0, 2, 0);
        if (lead[0] != mine[0]) {
            return java.util.Optional.of(anotherRun(ranks.rank(), remedy));
        }
        if (lead[1] != mine[1]) {
            return java.util.Optional.of("rank " + ranks.rank() + " has " + processors + " CPU threads and rank 0 has "
                    + (int) lead[1] + ": ranks must compute alike to stay identical (give each rank the same cores,"
                    + " or set WAFER_JAVA_OPTS=-XX:ActiveProcessorCount=N)");
        }
        return java.util.Optional.empty();
    }

    private static String anotherRun(int rank, String remedy) {
        return "rank " + rank + " resolved another run than rank 0 (" + remedy + ")";
    }

    /**
     * As {@link #check(Collective, String, String)} for the description alone, but every rank learns of a disagreement, so
     * that no rank goes on alone (to end early, as for a complete run, while another waits in a collective).
     *
     * @param description the resolved run as text (equal texts: equal runs)
     * @param remedy      as for {@link #check(Collective, String, String)}
     * @return empty when every rank agrees with rank 0, else (on every rank) the one-line reason naming the lowest
     *         rank that differs
     */
    public static java.util.Optional<String> checkAll(Collective ranks, String description, String remedy) {
        return checkSame(ranks, description).map(rank -> anotherRun(rank, remedy));
    }

    /**
     * Whether every rank holds the same {@code description} as rank 0 (by hash); every rank learns the answer.
     *
     * @return the lowest rank whose description differs from rank 0's, or empty when all agree
     */
    public static java.util.Optional<Integer> checkSame(Collective ranks, String description) {
        if (ranks.size() == 1) {
            return java.util.Optional.empty();
        }
        double[] lead = {description.hashCode()};
        ranks.broadcast(lead, 0, 1, 0);
        double[] differs = new double[ranks.size()];
        differs[ranks.rank()] = lead[0] != description.hashCode() ? 1 : 0;
        ranks.allReduceSum(differs, 0, differs.length);
        for (int r = 0; r < differs.length; r++) {
            if (differs[r] != 0) {
                return java.util.Optional.of(r);
            }
        }
        return java.util.Optional.empty();
    }
}
