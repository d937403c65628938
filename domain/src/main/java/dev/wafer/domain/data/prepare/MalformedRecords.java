package dev.wafer.domain.data.prepare;

import java.util.ArrayList;
import java.util.List;

import dev.wafer.ports.data.MalformedInputException;
import dev.wafer.ports.data.MalformedRecord;

/** Counts malformed input records and lists the first ones, or stops at the first when asked to fail. */
final class MalformedRecords implements java.util.function.Consumer<MalformedRecord> {
    private final boolean fail;
    private final List<MalformedRecord> listed = new ArrayList<>();
    private long count;

    MalformedRecords(boolean fail) {
        this.fail = fail;
    }

    /** @throws MalformedInputException when malformed input is fatal */
    @Override
    public void accept(MalformedRecord record) {
        count++;
        if (listed.size() < DatasetPreparation.MAX_LISTED_MALFORMED) {
            listed.add(record);
        }
        if (fail) {
            throw new MalformedInputException(record);
        }
    }

    List<MalformedRecord> listed() {
        return listed;
    }

    long count() {
        return count;
    }
}
