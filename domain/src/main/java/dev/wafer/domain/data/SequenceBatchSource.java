package dev.wafer.domain.data;

import java.util.Objects;
import java.util.OptionalLong;

import dev.wafer.ports.data.ResumableBatchSource;
import dev.wafer.ports.data.TokenSequences;

/**
 * Micro-batches from a prepared split's packed sequences, in a seeded {@link SequenceOrder}. Packing is
 * contiguous (document, end-of-text, document, ...), so the target of a sequence's last position is the first token
 * of the sequence stored after it; the last stored sequence has no successor and is never drawn. The position is
 * a plain counter, so a resumed run continues with exactly the batch it would have read.
 */
public final class SequenceBatchSource implements ResumableBatchSource {
    private final TokenSequences sequences;
    private final SequenceOrder order;
    private final int length;
    private final long seed;
    /** One stored sequence plus the first token of its successor; reused, so batches allocate nothing. */
    private final int[] window;
    private long position;

    /**
     * A source that reads {@code sequences} in the seeded {@link #trainingOrder}, from position 0.
     *
     * @param sequences packed sequences of one split; at least two
     * @param seed      order seed
     * @throws NullPointerException if {@code sequences} is null
     */
    public SequenceBatchSource(TokenSequences sequences, long seed) {
        Objects.requireNonNull(sequences, "sequences");
        if (sequences.count() < 2) {
            throw new IllegalArgumentException("a training split needs at least 2 packed sequences, found "
                    + sequences.count() + "; prepare more text or a shorter sequence length");
        }
        this.sequences = sequences;
        this.length = sequences.sequenceLength();
        this.seed = seed;
        this.order = trainingOrder(sequences.count(), seed);
        this.window = new int[2 * length];
    }

    /**
     * The order this source draws a split of {@code stored} packed sequences in: a permutation of all but the last
     * (which has no successor to supply its last target) per epoch. Every data-parallel rank reads the whole order
     * (each computes its share of the micro-batches), so it does not depend on the rank count. A memorization audit
     * rebuilds the rows a checkpoint was trained on from it and the checkpoint's data position.
     */
    public static SequenceOrder trainingOrder(long stored, long seed) {
        return new SequenceOrder(stored - 1, seed, 0, 1);
    }

    /** Sequences drawn so far (the data position to store in a checkpoint). */
    @Override
    public long position() {
        return position;
    }

    /** Continues from a stored data position. */
    @Override
    public void seek(long newPosition) {
        if (newPosition < 0) {
            throw new IllegalArgumentException("data position must be >= 0, found " + newPosition);
        }
        this.position = newPosition;
    }

    /** The order seed this source was built with. */
    @Override
    public OptionalLong orderSeed() {
        return OptionalLong.of(seed);
    }

    /** Tokens per packed sequence: the longest sequence length a model may read from this source. */
    public int sequenceLength() {
        return length;
    }

    /**
     * The vocabulary of the token ids this source holds (its split's, {@link TokenSequences#vocabSize()}): a model
     * with fewer ids would meet one it cannot embed at whichever step first draws it.
     */
    public int vocabSize() {
        return sequences.vocabSize();
    }

    /** Sequences per epoch. */
    public long sequencesPerEpoch() {
        return order.perEpoch();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException for a negative {@code batch}, a {@code seq} below 1 or longer than the
     *                                  packed sequences, or arrays shorter than {@code batch * seq}
     */
    @Override
    public void next(int[] inputs, int[] targets, int batch, int seq) {
        if (batch < 0 || seq < 1) {
            throw new IllegalArgumentException("batch must be >= 0 and seq >= 1, found batch " + batch + ", seq "
                    + seq);
        }
        long needed = (long) batch * seq;
        if (inputs.length < needed || targets.length < needed) {
            throw new IllegalArgumentException("inputs and targets must hold batch x seq = " + needed + " ids, found "
                    + inputs.length + " and " + targets.length);
        }
        if (seq > length) {
            throw new IllegalArgumentException("model sequence length " + seq + " exceeds the dataset's " + length
                    + "; pack the data into sequences of " + seq + " tokens or more (TokenSequences.sequenceLength)");
        }
        for (int b = 0; b < batch; b++) {
            long index = order.sequenceAt(position++);
            sequences.read(index, window, 0);
            sequences.read(index + 1, window, length);
            System.arraycopy(window, 0, inputs, b * seq, seq);
            System.arraycopy(window, 1, targets, b * seq, seq);
        }
    }
}
