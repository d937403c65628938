package dev.wafer.app.cli;

import dev.wafer.formats.data.ShardedSequences;
import dev.wafer.formats.tokens.MappedTokenFile;

/**
 * The token stream {@code eval --data} scores, read a stretch at a time: text tokenised into memory, a mapped token
 * file, or a dataset's open test split. Only the stretches scored are read, so a token file or test split of any
 * size costs memory for one stretch (both were read whole into an int array: 4 bytes a token, and none past 2^31).
 */
interface EvalTokens extends AutoCloseable {
    /** Number of tokens in the stream. */
    long length();

    /** Copies {@code count} tokens from stream offset {@code from} into {@code dest} at {@code offset}. */
    void read(long from, int[] dest, int offset, int count);

    /** Releases what the stream holds open (a dataset's shards). */
    @Override
    default void close() {
    }

    /** Tokens already in memory (tokenised text). */
    static EvalTokens of(int[] tokens) {
        return new EvalTokens() {
            @Override
            public long length() {
                return tokens.length;
            }

            @Override
            public void read(long from, int[] dest, int offset, int count) {
                System.arraycopy(tokens, Math.toIntExact(from), dest, offset, count);
            }
        };
    }

    /** A mapped uint16 token file. */
    static EvalTokens of(MappedTokenFile file) {
        return new EvalTokens() {
            @Override
            public long length() {
                return file.size();
            }

            @Override
            public void read(long from, int[] dest, int offset, int count) {
                file.read(from, dest, offset, count);
            }
        };
    }

    /** A dataset's split, its sequences joined in order as one stream; closing the stream closes the split. */
    static EvalTokens of(ShardedSequences split) {
        return new EvalTokens() {
            private final int row = split.sequenceLength();
            private final int[] sequence = new int[row];
            private long cached = -1;

            @Override
            public long length() {
                return split.count() * row;
            }

            @Override
            public void read(long from, int[] dest, int offset, int count) {
                for (int done = 0; done < count; ) {
                    long at = from + done;
                    long index = at / row;
                    if (index != cached) {
                        split.read(index, sequence, 0);
                        cached = index;
                    }
                    int start = (int) (at % row);
                    int n = Math.min(count - done, row - start);
                    System.arraycopy(sequence, start, dest, offset + done, n);
                    done += n;
                }
            }

            @Override
            public void close() {
                split.close();
            }
        };
    }
}
