package dev.wafer.app.cli;

import dev.wafer.domain.session.RunState;

/**
 * What every rank of an mpirun job must agree on before the first step, as text whose hash rank 0 broadcasts: the
 * resolved run and every flag that changes when a rank takes part in a collective. A rank told to stop earlier
 * ({@code --stop-at}, {@code --max-tokens}), to save at other steps ({@code --checkpoint-every}: with a sharded
 * optimizer every rank takes part in each save) or to run the underflow diagnostic at other steps would leave the
 * others waiting in an all-reduce until the collective timeout (10 minutes); a rank on another backend updates its
 * copy of the model with other kernels, and the copies drift apart.
 */
final class RankAgreementText {
    private RankAgreementText() {
    }

    static String of(RunState run, TrainFlags f, String backend) {
        return run + ", shard optimizer " + f.shardOptimizer() + ", backend " + backend + ", stop at " + f.stopAt()
                + ", max tokens " + f.maxTokens() + ", checkpoint every " + f.checkpointEvery()
                + ", underflow report " + f.underflowReport() + ", recompute " + f.recompute();
    }
}
