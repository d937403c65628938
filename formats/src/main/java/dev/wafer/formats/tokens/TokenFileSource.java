package dev.wafer.formats.tokens;

import dev.wafer.formats.input.InvalidInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.SplittableRandom;

import dev.wafer.ports.data.ResumableBatchSource;

/**
 * Random windows of a file of little-endian uint16 GPT-2 token ids, drawn from a seeded generator (so runs are
 * reproducible). Every id is checked against the vocabulary once, when the file is loaded.
 */
public final class TokenFileSource implements ResumableBatchSource {
    private final int[] tokens;
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
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length % 2 != 0) {
            throw new InvalidInputException(file + " has an odd number of bytes; expected uint16 token ids");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        tokens = new int[bytes.length / 2];
        for (int i = 0; i < tokens.length; i++) {
            int id = Short.toUnsignedInt(buf.getShort(2 * i));
            if (id >= vocab) {
                throw new InvalidInputException(file + ": token id " + id + " at token offset " + i
                        + " is not below the vocabulary size " + vocab);
            }
            tokens[i] = id;
        }
        if (tokens.length < seq + 1) {
            throw new InvalidInputException(file + " holds " + tokens.length + " tokens; one sequence of "
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
            random.nextInt(tokens.length - windowLength);
        }
        position = newPosition;
    }

    /** Number of tokens in the file. */
    public int size() {
        return tokens.length;
    }

    @Override
    public void next(int[] inputs, int[] targets, int batch, int seq) {
        for (int r = 0; r < batch; r++) {
            if (windowLength != seq) {
                throw new IllegalArgumentException("a token-file source draws windows of one length; it drew " + windowLength
                        + " and is asked for " + seq);
            }
            int start = random.nextInt(tokens.length - seq);
            position++;
            System.arraycopy(tokens, start, inputs, r * seq, seq);
            System.arraycopy(tokens, start + 1, targets, r * seq, seq);
        }
    }
}
