package dev.wafer.domain.data.prepare;

import dev.wafer.domain.cluster.RunAgreement;
import dev.wafer.ports.collective.Collective;
import java.io.IOException;
import java.util.Optional;

/**
 * The steps every rank of {@code wafer data prepare} under mpirun takes together, in order, in one place; the
 * command line and the dataset directory call them, {@link DatasetPreparation} does the work between them:
 * <ol>
 *   <li>{@link #leadProcess}: every rank learns rank 0's process id, which names the build directory they share;</li>
 *   <li>{@link #disagreeingRank}: every rank checks it prepares the same dataset from the same inputs as rank 0;</li>
 *   <li>{@link #start}: rank 0 starts the build (creates the shared directories) and every rank learns whether it
 *       could, so none waits for a build that never began;</li>
 *   <li>{@link DatasetPreparation#prepare(java.util.List, Collective, dev.wafer.ports.data.prepare.RankExchange)}:
 *       each rank reads its share, spills its kept documents to its own shuffle buckets and audit runs and hands the
 *       rest over; rank 0 learns every rank's offsets and tells them; every rank packs a range of buckets and merges a
 *       key range of the audit runs into its pieces of the single-process dataset; rank 0 assembles them.</li>
 * </ol>
 * With one rank every step is a no-op, so a single process takes the same path.
 */
public final class MultiRankProtocol {
    private MultiRankProtocol() {
    }

    /** Something rank 0 does on its own disk, which may fail. */
    @FunctionalInterface
    public interface LeadAction {
        /** Does it. */
        void run() throws IOException;
    }

    /**
     * Step 1: rank 0's process id on every rank.
     *
     * @param mine this process's id
     */
    public static long leadProcess(Collective ranks, long mine) {
        if (ranks.size() == 1) {
            return mine;
        }
        // A double carries 53 bits exactly: any Linux process id survives the broadcast.
        double[] lead = {mine};
        ranks.broadcast(lead, 0, 1, 0);
        return (long) lead[0];
    }

    /**
     * Step 2: whether every rank holds rank 0's description of the preparation (settings that shape the dataset
     * and the inputs with their sizes); every rank learns the answer.
     *
     * @return the lowest rank that differs, or empty when all agree
     */
    public static Optional<Integer> disagreeingRank(Collective ranks, String description) {
        return RunAgreement.checkSame(ranks, description);
    }

    /**
     * Step 3: rank 0 runs {@code startOnLead}; every rank learns whether it succeeded.
     *
     * @throws IOException on rank 0, what {@code startOnLead} threw
     * @throws RankFailedException on the other ranks when rank 0 could not start
     */
    public static void start(Collective ranks, LeadAction startOnLead) throws IOException {
        double[] started = {1};
        if (ranks.rank() == 0) {
            try {
                startOnLead.run();
            } catch (IOException | RuntimeException | Error e) {
                started[0] = 0;
                if (ranks.size() > 1) {
                    ranks.broadcast(started, 0, 1, 0);
                }
                throw e;
            }
        }
        if (ranks.size() > 1) {
            ranks.broadcast(started, 0, 1, 0);
        }
        if (started[0] == 0) {
            throw new RankFailedException(0, "it could not start the dataset's build directory (its message says why)");
        }
    }
}
