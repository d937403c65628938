package dev.wafer.domain.session;

import dev.wafer.ports.data.TokenSequences;

/**
 * Test rows whose tokens are a pattern of the row's index ({@code (i * 7 + j * 3) mod vocab}), so that a batch tells
 * which rows it came from: rows {@code shift..shift+count-1} of the pattern; with {@code indexFirst} token 0 of row i
 * is i itself.
 */
record PatternRows(long count, int sequenceLength, int vocabSize, long shift, boolean indexFirst)
        implements TokenSequences {

    static PatternRows of(long count, int sequenceLength, int vocabSize) {
        return new PatternRows(count, sequenceLength, vocabSize, 0, false);
    }

    /** The same pattern from row {@code shift} on (a held-out split beside the training rows). */
    PatternRows shiftedBy(long rows, long newCount) {
        return new PatternRows(newCount, sequenceLength, vocabSize, shift + rows, indexFirst);
    }

    /** Token 0 of each row is its index (the row can be read back from a batch). */
    PatternRows withIndexFirst() {
        return new PatternRows(count, sequenceLength, vocabSize, shift, true);
    }

    @Override
    public void read(long index, int[] dest, int offset) {
        long row = index + shift;
        for (int j = 0; j < sequenceLength; j++) {
            dest[offset + j] = indexFirst && j == 0 ? (int) row : (int) ((row * 7 + j * 3) % vocabSize);
        }
    }

    @Override
    public void close() {
    }
}
