package dev.wafer.app.cli;

import dev.wafer.domain.session.RunState;

/**
 * What every rank of an mpirun job must agree on before the first step, as text whose hash rank 0 broadcasts: the
 * resolved run and every flag that changes when a rank takes part in a collective. A rank told to stop earlier
 * ({@code --stop-at}, {@code --max-tokens}), to save at other steps ({@code --checkpoint-every}: with a sharded
 * optimizer every rank takes part in each save) or to run the underflow diagnostic at other steps would leave the
 * others waiting in an all-reduce until the collective timeout (10 minutes); a rank on another backend updates its
 * copy of the model with other kernels, and the copies drift apart. A resumed run includes its checkpoint's content
 * checksum: two checkpoints of one run at one step (saved by 2 ranks and by 1 process) have equal headers but other
 * parameters, and ranks resuming them trained a silent mix.
 */
final class RankAgreementText {
    /** What the CLI's ranks must share when their runs differ: said in the refusal (the domain names no flags). */
    static final String SAME_FLAGS = "flags, data, checkpoint, backend or heap differ: pass the same flags, --stop-at,"
            + " --max-tokens and --checkpoint-every included, and an explicit --micro-batch, on every rank";

    private RankAgreementText() {
    }

    /**
     * @param checkpoint the resumed checkpoint's {@code contentChecksum()}, or null for a fresh run
     */
    static String of(RunState run, TrainFlags f, String backend, Long checkpoint) {
        return start(run, f, checkpoint) + ", backend " + backend;
    }

    /**
     * What ranks agree on before any of them decides there is nothing to do (a complete run): all but the backend,
     * which is not open yet.
     */
    static String start(RunState run, TrainFlags f, Long checkpoint) {
        return run + ", checkpoint content " + (checkpoint == null ? "none" : Long.toHexString(checkpoint))
                + ", shard optimizer " + f.shardOptimizer() + ", stop at " + f.stopAt()
                + ", max tokens " + f.maxTokens() + ", checkpoint every " + f.checkpointEvery()
                + ", underflow report " + f.underflowReport() + ", recompute " + f.recompute();
    }
}
