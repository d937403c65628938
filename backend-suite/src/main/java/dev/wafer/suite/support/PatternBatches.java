package dev.wafer.suite.support;

import java.util.SplittableRandom;

import dev.wafer.ports.data.ResumableBatchSource;

/**
 * Learnable sequences: each token determines the next ({@code next = (7 * token + 3) mod V}) from a start token
 * drawn for each sequence. Sequence {@code i}'s start depends only on the seed and {@code i}, so the source can be
 * sought to any position and every backend sees the same batches.
 */
public final class PatternBatches implements ResumableBatchSource {
    private final int vocab;
    private final long seed;
    private long position;

    /**
     * @param vocab vocabulary size
     * @param seed  seed of the start tokens
     */
    public PatternBatches(int vocab, long seed) {
        if (vocab < 2) {
            throw new IllegalArgumentException("vocabulary must have at least 2 tokens, found " + vocab);
        }
        this.vocab = vocab;
        this.seed = seed;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public void seek(long newPosition) {
        if (newPosition < 0) {
            throw new IllegalArgumentException("data position must be >= 0, found " + newPosition);
        }
        position = newPosition;
    }

    @Override
    public void next(int[] inputs, int[] targets, int batch, int seq) {
        for (int r = 0; r < batch; r++) {
            int tok = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (position + 1))).nextInt(vocab);
            position++;
            for (int i = 0; i < seq; i++) {
                inputs[r * seq + i] = tok;
                tok = (tok * 7 + 3) % vocab;
                targets[r * seq + i] = tok;
            }
        }
    }
}
