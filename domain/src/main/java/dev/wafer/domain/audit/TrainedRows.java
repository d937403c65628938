package dev.wafer.domain.audit;

import java.util.BitSet;

import dev.wafer.domain.data.SequenceBatchSource;
import dev.wafer.domain.data.SequenceOrder;

/**
 * The packed rows of a train split a checkpoint was trained on, and how many times each: the trainer's seeded order
 * ({@link SequenceBatchSource#trainingOrder}) replayed up to the checkpoint's data position (sequences drawn). Every
 * epoch draws each row but the split's last exactly once, so after {@code e} whole epochs every such row was seen
 * {@code e} times, and the rows drawn so far in the current epoch once more. The order is the same for any
 * data-parallel rank count (every rank reads every micro-batch), micro-batch size or batch schedule: only the seed,
 * the number of rows and the position matter.
 *
 * <p>Memory: one bit per row of the split (the rows of the unfinished epoch); time: one permutation step per
 * sequence of that epoch.
 */
public final class TrainedRows {
    private final long stored;
    private final long perEpoch;
    private final long position;
    private final long wholeEpochs;
    private final long partial;
    /** Rows drawn in the unfinished epoch. */
    private final BitSet current;

    private TrainedRows(long stored, long perEpoch, long position, BitSet current) {
        this.stored = stored;
        this.perEpoch = perEpoch;
        this.position = position;
        this.wholeEpochs = position / perEpoch;
        this.partial = position % perEpoch;
        this.current = current;
    }

    /**
     * Replays the trainer's order.
     *
     * @param stored       packed rows of the train split (the trainer draws all but the last)
     * @param seed         the run's seed
     * @param dataPosition sequences the run had drawn (the checkpoint's data position)
     * @throws IllegalArgumentException for fewer than 2 rows, a negative position, or more rows than a bit set holds
     */
    public static TrainedRows replay(long stored, long seed, long dataPosition) {
        if (stored < 2) {
            throw new IllegalArgumentException("a train split of " + stored + " rows was never trained on (the trainer"
                    + " needs 2 or more)");
        }
        if (dataPosition < 0) {
            throw new IllegalArgumentException("data position must be >= 0, found " + dataPosition);
        }
        if (stored - 1 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(stored + " rows are more than the audit can track");
        }
        SequenceOrder order = SequenceBatchSource.trainingOrder(stored, seed);
        long perEpoch = order.perEpoch();
        long epochStart = dataPosition - dataPosition % perEpoch;
        BitSet current = new BitSet((int) (stored - 1));
        for (long p = epochStart; p < dataPosition; p++) {
            current.set((int) order.sequenceAt(p));
        }
        return new TrainedRows(stored, perEpoch, dataPosition, current);
    }

    /** Times row {@code row} was fed to the model as input; 0 for a row not trained on (or out of range). */
    public long timesSeen(long row) {
        if (row < 0 || row >= stored - 1) {
            return 0;
        }
        return wholeEpochs + (current.get((int) row) ? 1 : 0);
    }

    /** Distinct rows trained on. */
    public long distinctRows() {
        return wholeEpochs > 0 ? perEpoch : partial;
    }

    /** Rows drawn per epoch (all rows of the split but the last). */
    public long rowsPerEpoch() {
        return perEpoch;
    }

    /** Sequences drawn: the checkpoint's data position. */
    public long dataPosition() {
        return position;
    }

    /** Epochs trained, as a fraction: data position over rows per epoch. */
    public double epochs() {
        return (double) position / perEpoch;
    }

    /** Packed rows of the split. */
    public long storedRows() {
        return stored;
    }
}
