package dev.wafer.domain.recipe;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.schedule.BatchSizeSchedule;

/**
 * Sizes micro-batches against the memory a run gets (the JVM heap, a device's): the recipe decides everything
 * else, the caller knows the memory.
 */
public interface MicroBatchSizer {
    /** The micro-batch of a run whose request names none: the largest that fits every batch phase. */
    int choose(ModelShape model, int seqLength, BatchSizeSchedule batches);

    /**
     * Checks a positive micro-batch the request names against the memory.
     *
     * @return {@code microBatch}
     * @throws RuntimeException naming the figures when it does not fit
     */
    int check(ModelShape model, int seqLength, int microBatch);
}
