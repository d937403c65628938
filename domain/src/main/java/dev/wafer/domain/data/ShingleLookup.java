package dev.wafer.domain.data;

import java.util.function.IntConsumer;

/**
 * A multimap from shingle hash to the ids (documents or works) that contain it. Implemented in memory by
 * {@link ShingleTable} and over a memory-mapped index file by the application.
 */
public interface ShingleLookup {

    /** Calls {@code ids} with each id recorded for the shingle, ascending and without repeats. */
    void forEachId(long shingle, IntConsumer ids);
}
