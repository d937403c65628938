package dev.wafer.formats.tasks.harness;

import dev.wafer.domain.eval.EvalDoc;

/** Turns one record of a task's file into the harness document; field errors come from {@link Fields}. */
@FunctionalInterface
interface RecordReader {
    /** The document of {@code record}; {@code index} counts records from 0, for labels kept in another file. */
    EvalDoc read(Fields record, int index);
}
