package dev.wafer.formats.data;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

import dev.wafer.domain.data.prepare.PreparationReport;
import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.data.DocumentSource;

/** Makes the preparer of one {@code data prepare} run, so that the command line names no preparer class. */
@FunctionalInterface
public interface DatasetPreparers {
    /**
     * A preparer for one rank of a preparation.
     *
     * @param leadProcess rank 0's process id, which names the build directory every rank shares
     */
    Preparer create(PrepareSettings settings, Progress progress, long leadProcess);

    /** One preparation run ({@link DatasetPreparer}). */
    interface Preparer {
        /** Give this to {@link Inputs} so progress can follow the stored bytes read. */
        LongConsumer byteCounter();

        /**
         * Prepares the dataset on every rank of {@code ranks}.
         *
         * @return the report on rank 0, empty on the other ranks
         */
        Optional<PreparationReport> prepare(List<DocumentSource> inputs, Collective ranks) throws IOException;

        /**
         * Stops the preparation on a signal, from the signal's thread while {@link #prepare} may still run: removes
         * the partial build beside {@code --out} unless the new dataset is already in place, and keeps it from being
         * swapped in afterwards (prepare then fails; the caller halts the process).
         *
         * @return what is now true of {@code --out}, e.g. {@code its partial build was removed and the dataset in
         *         DIR is as it was}
         */
        String abandon();
    }
}
