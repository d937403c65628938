package dev.wafer.domain.data.prepare;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.wafer.domain.data.ContentHash;
import dev.wafer.domain.data.Provenance;
import dev.wafer.domain.data.SequencePacker;
import dev.wafer.domain.data.ShuffleBuckets;
import dev.wafer.domain.data.SourceSummary;
import dev.wafer.domain.data.Split;
import dev.wafer.domain.data.dedup.DedupDecision;
import dev.wafer.ports.data.prepare.PackedDocument;
import dev.wafer.ports.data.prepare.PackedDocumentList;
import dev.wafer.ports.data.prepare.PreparedDatasetStore;
import dev.wafer.ports.data.prepare.ProgressReporter;
import dev.wafer.ports.data.prepare.ShuffleSpill;
import dev.wafer.ports.data.prepare.SpilledDocument;

/**
 * Pass 2: shuffles one bucket at a time ({@link ShuffleBuckets}), packs each split's documents with end-of-text
 * into fixed-length sequences ({@link SequencePacker}) cut into shards ({@link ShardSeries}), and lists every
 * document with the shard and offset of its first token. Documents deduplication removed are skipped, and the
 * training documents' audit ids renumbered as the audit index numbers them.
 */
final class PackingPass {
    private final PreparationSettings settings;
    private final PreparedDatasetStore store;
    private final ShuffleBuckets shuffle;
    private final SourceSummary.Builder summary;
    private final ProgressReporter progress;
    private final DedupDecision dedup;

    /** A kept document read back from its bucket. */
    private record Kept(long ordinal, Provenance provenance, Split split, int auditId, int[] tokens) {
        static Kept of(SpilledDocument d) {
            return new Kept(d.ordinal(), new Provenance(d.source(), d.licence(), new ContentHash(d.hash()), d.location()),
                    Split.ofFileName(d.split()), d.auditId(), d.tokens());
        }
    }

    PackingPass(PreparationSettings settings, PreparedDatasetStore store, ShuffleBuckets shuffle,
                SourceSummary.Builder summary, ProgressReporter progress, DedupDecision dedup) {
        this.dedup = dedup;
        this.settings = settings;
        this.store = store;
        this.shuffle = shuffle;
        this.summary = summary;
        this.progress = progress;
    }

    /** Packs every bucket of {@code spill}, deleting each once read; returns the statistics per split. */
    Map<Split, PreparationReport.SplitStats> run(ShuffleSpill spill) throws IOException {
        int vocabSize = settings.tokenizer().vocabSize();
        int eot = settings.tokenizer().endOfTextId();
        Map<Split, ShardSeries> shards = new EnumMap<>(Split.class);
        Map<Split, SequencePacker> packers = new EnumMap<>(Split.class);
        Map<Split, long[]> counts = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            ShardSeries series = new ShardSeries(store, s, settings.sequenceLength(), vocabSize,
                    settings.sequencesPerShard());
            shards.put(s, series);
            packers.put(s, new SequencePacker(settings.sequenceLength(), eot, series));
            counts.put(s, new long[2]);
        }
        Map<Split, PreparationReport.SplitStats> stats = new EnumMap<>(Split.class);
        try (PackedDocumentList documents = store.openDocumentList();
             ProgressReporter.Task task = progress.start("shuffling and packing", shuffle.buckets(), "buckets")) {
            for (int b = 0; b < shuffle.buckets(); b++) {
                List<Kept> entries = new ArrayList<>();
                for (SpilledDocument d : spill.readAndDelete(b)) {
                    if (!dedup.removed(d.ordinal())) {
                        entries.add(Kept.of(d));
                    }
                }
                shuffle.shuffle(b, entries, e -> e.provenance().hash(), Kept::ordinal);
                for (Kept e : entries) {
                    long position = packers.get(e.split()).add(e.tokens());
                    long perShard = shards.get(e.split()).tokensPerShard();
                    Provenance p = e.provenance();
                    documents.add(new PackedDocument(p.hash().hex(), p.source(), p.licence(), p.location(),
                            e.tokens().length, e.split().fileName(), (int) (position / perShard), position % perShard,
                            dedup.auditId(e.auditId())));
                    summary.kept(p.source(), e.tokens().length);
                    long[] c = counts.get(e.split());
                    c[0]++;
                    c[1] += e.tokens().length;
                }
                task.stepTo(b + 1);
            }
            for (Split s : Split.values()) {
                int dropped = packers.get(s).finish();
                ShardSeries series = shards.get(s);
                series.close();
                List<Long> shardCounts = series.shardCounts();
                long sequences = shardCounts.stream().mapToLong(Long::longValue).sum();
                stats.put(s, new PreparationReport.SplitStats(counts.get(s)[0], counts.get(s)[1], sequences,
                        shardCounts, dropped));
            }
        } finally {
            for (ShardSeries series : shards.values()) {
                series.close();
            }
        }
        return stats;
    }
}
