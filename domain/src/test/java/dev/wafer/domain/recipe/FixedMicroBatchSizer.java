package dev.wafer.domain.recipe;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.schedule.BatchSizeSchedule;

/** For tests: micro-batches of a fixed size unless a request names one, which is accepted as given. */
public final class FixedMicroBatchSizer implements MicroBatchSizer {
    private final int sequences;

    /** Chooses micro-batches of {@code sequences}. */
    public FixedMicroBatchSizer(int sequences) {
        this.sequences = sequences;
    }

    @Override
    public int choose(ModelShape model, int seqLength, BatchSizeSchedule batches) {
        return sequences;
    }

    @Override
    public int check(ModelShape model, int seqLength, int microBatch) {
        return microBatch;
    }
}
