package dev.wafer.domain.data.prepare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import dev.wafer.domain.data.SequencePacker;
import dev.wafer.domain.data.Split;
import dev.wafer.ports.data.prepare.PreparedDatasetStore;
import dev.wafer.ports.data.prepare.TokenShardOutput;

/**
 * One split's packed sequences, cut into numbered shards of at most {@code sequencesPerShard} sequences. Shards
 * are created on the first sequence they receive, so an empty split has no shard.
 */
final class ShardSeries implements SequencePacker.Sink, AutoCloseable {
    private final PreparedDatasetStore store;
    private final Split split;
    private final int sequenceLength;
    private final int vocabSize;
    private final long sequencesPerShard;
    private final List<Long> counts = new ArrayList<>();
    private TokenShardOutput current;
    private long currentCount;

    ShardSeries(PreparedDatasetStore store, Split split, int sequenceLength, int vocabSize, long sequencesPerShard) {
        this.store = store;
        this.split = split;
        this.sequenceLength = sequenceLength;
        this.vocabSize = vocabSize;
        this.sequencesPerShard = sequencesPerShard;
    }

    /** Tokens per full shard, to turn a packed-stream position into (shard, offset). */
    long tokensPerShard() {
        return sequencesPerShard * sequenceLength;
    }

    @Override
    public void sequence(int[] tokens) {
        try {
            if (current == null || currentCount == sequencesPerShard) {
                closeCurrent();
                current = store.createShard(split.fileName(), counts.size(), sequenceLength, vocabSize);
                currentCount = 0;
                counts.add(0L);
            }
            current.write(tokens);
            currentCount++;
            counts.set(counts.size() - 1, currentCount);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + split.fileName() + " shard " + (counts.size() - 1)
                    + ": " + e.getMessage(), e);
        }
    }

    /** Sequences per shard written, in shard order. */
    List<Long> shardCounts() {
        return List.copyOf(counts);
    }

    private void closeCurrent() throws IOException {
        if (current != null) {
            TokenShardOutput closing = current;
            current = null;
            closing.close();
        }
    }

    @Override
    public void close() throws IOException {
        closeCurrent();
    }
}
