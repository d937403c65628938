package dev.wafer.app.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import dev.wafer.domain.data.SequencePacker;
import dev.wafer.domain.data.Split;

/**
 * Writes one split's packed sequences into numbered shards of at most {@code sequencesPerShard} sequences.
 * Shards are created lazily, so an empty split writes no file.
 */
final class ShardSeriesWriter implements SequencePacker.Sink, AutoCloseable {
    private final DatasetLayout layout;
    private final Split split;
    private final int vocabSize;
    private final int seqLen;
    private final long sequencesPerShard;
    private final List<Long> counts = new ArrayList<>();
    private TokenShardWriter current;

    ShardSeriesWriter(DatasetLayout layout, Split split, int vocabSize, int seqLen, long sequencesPerShard) {
        this.layout = layout;
        this.split = split;
        this.vocabSize = vocabSize;
        this.seqLen = seqLen;
        this.sequencesPerShard = sequencesPerShard;
    }

    /** Tokens per shard, to turn a packed-stream position into (shard, offset). */
    long tokensPerShard() {
        return sequencesPerShard * seqLen;
    }

    @Override
    public void sequence(int[] tokens) {
        try {
            if (current == null || current.count() == sequencesPerShard) {
                closeCurrent();
                current = new TokenShardWriter(layout.shard(split, counts.size()), vocabSize, seqLen);
                counts.add(0L);
            }
            current.write(tokens);
            counts.set(counts.size() - 1, current.count());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + split.fileName() + " shard in " + layout.dir(), e);
        }
    }

    /** Sequences per shard written, in shard order. */
    List<Long> shardCounts() {
        return List.copyOf(counts);
    }

    private void closeCurrent() throws IOException {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    @Override
    public void close() throws IOException {
        closeCurrent();
    }
}
