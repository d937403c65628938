package dev.wafer.formats.tokens;

import java.util.OptionalLong;
import java.util.SplittableRandom;

import dev.wafer.ports.data.ResumableBatchSource;

/**
 * Seeded synthetic text with learnable structure: each sequence follows {@code next = (a·tok + c) mod V} with a
 * few random substitutions, so a working trainer drives the loss well below ln V. For benchmarks and smoke tests.
 */
public final class SyntheticTokenSource implements ResumableBatchSource {
    private final int vocab;
    private final long seed;
    private SplittableRandom random;
    private long position;
    private int lastSeq;

    public SyntheticTokenSource(int vocab, long seed) {
        this.vocab = vocab;
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    /** The seed of the draws. */
    @Override
    public OptionalLong orderSeed() {
        return OptionalLong.of(seed);
    }

    @Override
    public long position() {
        return position;
    }

    /** Replays the draws of {@code newPosition} sequences (of the length drawn so far, or 1 before any draw). */
    @Override
    public void seek(long newPosition) {
        if (newPosition < 0) {
            throw new IllegalArgumentException("data position must be >= 0, found " + newPosition);
        }
        random = new SplittableRandom(seed);
        position = 0;
        int seq = Math.max(1, lastSeq);
        int[] scratchIn = new int[seq];
        int[] scratchOut = new int[seq];
        for (long i = 0; i < newPosition; i++) {
            next(scratchIn, scratchOut, 1, seq);
        }
    }

    /** Sets the sequence length that {@link #seek} replays, before the first draw of a resumed run. */
    public void sequenceLength(int seq) {
        this.lastSeq = seq;
    }

    @Override
    public void next(int[] inputs, int[] targets, int batch, int seq) {
        lastSeq = seq;
        position += batch;
        for (int r = 0; r < batch; r++) {
            int tok = random.nextInt(vocab);
            for (int i = 0; i <= seq; i++) {
                if (i < seq) {
                    inputs[r * seq + i] = tok;
                }
                if (i > 0) {
                    targets[r * seq + i - 1] = tok;
                }
                tok = random.nextInt(10) == 0 ? random.nextInt(vocab) : (int) ((tok * 31L + 7) % vocab);
            }
        }
    }
}
