package dev.wafer.formats.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.wafer.domain.data.Split;
import dev.wafer.ports.data.TokenSequences;

/** All shards of one split of a prepared dataset, as one indexable sequence list. */
public final class ShardedSequences implements TokenSequences {
    private final List<TokenShard> shards;
    private final long[] starts;
    private final long count;
    private final int seqLen;
    private final int vocabSize;

    private ShardedSequences(List<TokenShard> shards, int seqLen, int vocabSize) {
        this.shards = shards;
        this.starts = new long[shards.size()];
        long total = 0;
        for (int i = 0; i < shards.size(); i++) {
            starts[i] = total;
            total += shards.get(i).count();
        }
        this.count = total;
        this.seqLen = seqLen;
        this.vocabSize = vocabSize;
    }

    /**
     * Opens every shard of a split ({@code train-00000.bin}, {@code train-00001.bin}, ...).
     *
     * @throws InvalidShardException when there is none, or shards disagree on sequence length or vocabulary
     */
    public static ShardedSequences open(DatasetLayout layout, Split split, boolean verifyChecksums) throws IOException {
        List<TokenShard> shards = new ArrayList<>();
        try {
            for (int i = 0; java.nio.file.Files.exists(layout.shard(split, i)); i++) {
                TokenShard shard = TokenShard.open(layout.shard(split, i), verifyChecksums);
                shards.add(shard);
                TokenShard first = shards.get(0);
                if (shard.sequenceLength() != first.sequenceLength() || shard.vocabSize() != first.vocabSize()) {
                    throw new InvalidShardException(layout.shard(split, i) + ": fields seqLen/vocabSize are "
                            + shard.sequenceLength() + "/" + shard.vocabSize() + " but " + layout.shard(split, 0)
                            + " has " + first.sequenceLength() + "/" + first.vocabSize());
                }
            }
        } catch (IOException | RuntimeException e) {
            shards.forEach(TokenShard::close);
            throw e;
        }
        if (shards.isEmpty()) {
            throw new InvalidShardException(layout.shard(split, 0) + ": no such shard; the dataset has no "
                    + split.fileName() + " sequences");
        }
        return new ShardedSequences(shards, shards.get(0).sequenceLength(), shards.get(0).vocabSize());
    }

    /** Shard files opened. */
    int shardCount() {
        return shards.size();
    }

    /** Shard {@code i}, in file order. */
    TokenShard shard(int i) {
        return shards.get(i);
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public int sequenceLength() {
        return seqLen;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public void read(long index, int[] dest, int offset) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("sequence " + index + " of " + count);
        }
        int s = Arrays.binarySearch(starts, index);
        if (s < 0) {
            s = -s - 2;
        }
        // Skip empty shards that share a start with the next one.
        while (s + 1 < starts.length && starts[s + 1] <= index) {
            s++;
        }
        shards.get(s).read(index - starts[s], dest, offset);
    }

    @Override
    public void close() {
        shards.forEach(TokenShard::close);
    }
}
