package dev.wafer.app.train;

import java.util.SplittableRandom;

import dev.wafer.ports.data.TokenBatchSource;

/**
 * Seeded synthetic text with learnable structure: each sequence follows {@code next = (a·tok + c) mod V} with a
 * few random substitutions, so a working trainer drives the loss well below ln V. For benchmarks and smoke tests.
 */
public final class SyntheticTokenSource implements TokenBatchSource {
    private final int vocab;
    private final SplittableRandom random;

    public SyntheticTokenSource(int vocab, long seed) {
        this.vocab = vocab;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public void next(int[] inputs, int[] targets, int batch, int seq) {
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
