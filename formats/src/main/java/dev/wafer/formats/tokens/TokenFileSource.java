package dev.wafer.formats.tokens;

import dev.wafer.formats.input.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.SplittableRandom;

import dev.wafer.ports.data.ResumableBatchSource;

/**
 * Random windows of a file of little-endian uint16 GPT-2 token ids, drawn from a seeded generator (so runs are
 * reproducible). The file is memory-mapped (see {@link MappedTokenFile}); every id is checked against the vocabulary
 * once, when the source is made, in a streaming pass of constant memory.
 */
public final class TokenFileSource implements ResumableBatchSource {
    private final MappedTokenFile tokens;
    private final long seed;
    private SplittableRandom random;
    private long position;
    /** The window length (the constructor's sequence length); replaying draws needs it. */
    private final int windowLength;

    /**
     * @throws InvalidInputException naming the offending offset when an id is not below {@code vocab}, or when
     *                                  the file cannot hold one sequence of {@code seq + 1} tokens
     */
    public TokenFileSource(Path file, int vocab, int seq, long seed) throws IOException {
        if (Files.size(file) % 2 != 0) {
            throw new InvalidInputException(file + " has an odd number of bytes; expected uint16 token ids");
        }
        // Mapped, not read whole: the windows drawn are read when drawn, and the ids checked in one streaming pass.
        tokens = MappedTokenFile.open(file);
        long bad = tokens.firstIdAtLeast(vocab, 0, tokens.size());
        if (bad >= 0) {
            throw new InvalidInputException(file + ": token id " + tokens.get(bad) + " at token offset " + bad
                    + " is not below the vocabulary size " + vocab);
        }
        if (tokens.size() < seq + 1L) {
            throw new InvalidInputException(file + " holds " + tokens.size() + " tokens; one sequence of "
                    + seq + " needs " + (seq + 1));
        }
        this.seed = seed;
        this.windowLength = seq;
        random = new SplittableRandom(seed);
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

    /** Replays the seeded window draws up to {@code newPosition} (cheap: one random number per window). */
    @Override
    public void seek(long newPosition) {
        if (newPosition < 0) {
            throw new IllegalArgumentException("data position must be >= 0, found " + newPosition);
        }
        random = new SplittableRandom(seed);
        for (long i = 0; i < newPosition; i++) {
            nextStart();
        }
        position = newPosition;
    }

    /** Number of tokens in the file. */
    public long size() {
        return tokens.size();
    }

    /**
     * The next window's start: drawn with {@code nextInt} as ever where the starts fit an int (so draws and resumed
     * runs are unchanged), with {@code nextLong} only for a file past 2^31 tokens, which could not be read before.
     */
    private long nextStart() {
        long bound = tokens.size() - windowLength;
        return bound <= Integer.MAX_VALUE ? random.nextInt((int) bound) : random.nextLong(bound);
    }

    @Override
    public void next(int[] inputs, int[] targets, int batch, int seq) {
        for (int r = 0; r < batch; r++) {
            if (windowLength != seq) {
                throw new IllegalArgumentException("a token-file source draws windows of one length; it drew " + windowLength
                        + " and is asked for " + seq);
            }
            long start = nextStart();
            position++;
            tokens.read(start, inputs, r * seq, seq);
            tokens.read(start + 1, targets, r * seq, seq);
        }
    }
}
