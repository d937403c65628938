package dev.wafer.domain.data.prepare;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import dev.wafer.ports.data.prepare.RankExchange;
import dev.wafer.ports.data.prepare.ShuffleSpill;
import dev.wafer.ports.data.prepare.SpilledDocument;

/**
 * Rank 0's view of every rank's shuffle buckets as one spill: bucket {@code b} is the union of the ranks' buckets
 * {@code b}, each document's rank-local ordinal and audit id renumbered as a single process numbers them
 * ({@link RankOffsets}). Pass 2 sorts every bucket by (content hash, ordinal) before shuffling it, so the order in
 * which the ranks' documents are read does not matter, and the packed dataset is the single-process one. Nothing is
 * appended here: the ranks wrote their buckets during pass 1.
 */
final class RankBuckets implements ShuffleSpill {
    private final List<ShuffleSpill> ranks;
    private final RankOffsets offsets;
    private final boolean discard;

    /** Opens every rank's buckets in {@code exchange}; {@link #close()} discards them. */
    RankBuckets(RankExchange exchange, int rankCount, int buckets, int vocabSize, RankOffsets offsets)
            throws IOException {
        this(exchange, rankCount, buckets, vocabSize, offsets, true);
    }

    /**
     * @param discard whether {@link #close()} discards every rank's buckets; not where each rank reads its own range
     *                of them (what a rank read is gone; the exchange discards the rest when it closes)
     */
    RankBuckets(RankExchange exchange, int rankCount, int buckets, int vocabSize, RankOffsets offsets, boolean discard)
            throws IOException {
        this.offsets = offsets;
        this.discard = discard;
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
    public void close() throws IOException {
        if (!discard) {
            return;
        }
        IOException first = null;
        for (ShuffleSpill s : ranks) {
            try {
                s.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
