package dev.wafer.domain.data.prepare;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import dev.wafer.ports.data.prepare.RankExchange;
import dev.wafer.ports.data.prepare.ShuffleSpill;
import dev.wafer.ports.data.prepare.SpilledDocument;

/**
 * Every rank's shuffle buckets as one spill, for the rank that packs some of them: bucket {@code b} is the union of
 * the ranks' buckets {@code b}, each document's rank-local ordinal and audit id renumbered as a single process
 * numbers them ({@link RankOffsets}). Pass 2 sorts every bucket by (content hash, ordinal) before shuffling it, so
 * the order in which the ranks' documents are read does not matter, and the packed dataset is the single-process
 * one. Nothing is appended here: the ranks wrote their buckets during pass 1.
 */
final class RankBuckets implements ShuffleSpill {
    private final List<ShuffleSpill> ranks;
    private final RankOffsets offsets;

    /**
     * Opens every rank's buckets in {@code exchange}. Closing leaves them: each rank reads (and so deletes) its own
     * range of buckets, and the exchange discards whatever is left when it closes.
     */
    RankBuckets(RankExchange exchange, int rankCount, int buckets, int vocabSize, RankOffsets offsets)
            throws IOException {
        this.offsets = offsets;
        this.ranks = new ArrayList<>(rankCount);
        for (int r = 0; r < rankCount; r++) {
            ranks.add(exchange.shuffleSpill(r, buckets, vocabSize));
        }
    }

    @Override
    public void append(int bucket, SpilledDocument document) {
        throw new IllegalStateException("the ranks spilled their documents in pass 1");
    }

    @Override
    public void finishWriting() {
        // The ranks finished theirs before handing over.
    }

    @Override
    public List<SpilledDocument> readAndDelete(int bucket) throws IOException {
        List<SpilledDocument> all = new ArrayList<>();
        for (int r = 0; r < ranks.size(); r++) {
            for (SpilledDocument d : ranks.get(r).readAndDelete(bucket)) {
                all.add(new SpilledDocument(offsets.ordinal(r, d.ordinal()), d.hash(), d.source(), d.licence(),
                        d.location(), d.split(), offsets.auditId(r, d.auditId()), d.tokens()));
            }
        }
        return all;
    }

    @Override
    public void close() {
        // Other ranks still read their ranges of the same buckets.
    }
}
