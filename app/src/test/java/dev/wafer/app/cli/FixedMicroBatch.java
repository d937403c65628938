package dev.wafer.app.cli;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.schedule.BatchSizeSchedule;
import dev.wafer.domain.recipe.MicroBatchSizer;

/** A micro-batch sizer for tests that chooses {@code size} and accepts whatever micro-batch it is given. */
record FixedMicroBatch(int size) implements MicroBatchSizer {
    @Override
    public int choose(ModelShape model, int seqLength, BatchSizeSchedule batches) {
        return size;
    }

    @Override
    public int check(ModelShape model, int seqLength, int microBatch) {
        return microBatch;
    }
}
