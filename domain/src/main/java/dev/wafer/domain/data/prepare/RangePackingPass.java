package dev.wafer.domain.data.prepare;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.wafer.domain.data.ContentHash;
import dev.wafer.domain.data.ShuffleBuckets;
import dev.wafer.domain.data.Split;
import dev.wafer.domain.data.dedup.DedupDecision;
import dev.wafer.ports.data.prepare.PackedDocument;
import dev.wafer.ports.data.prepare.PackedDocumentList;
import dev.wafer.ports.data.prepare.ProgressReporter;
import dev.wafer.ports.data.prepare.RankShare;
import dev.wafer.ports.data.prepare.ShuffleSpill;
import dev.wafer.ports.data.prepare.SpilledDocument;
import dev.wafer.ports.data.prepare.TokenStreamOutput;

/**
 * Pass 2 of one rank in a multi-rank preparation: packs the buckets {@code [first, end)} as {@link PackingPass}
 * packs them in one process (the same shuffle of each bucket, the same documents skipped and audit ids renumbered),
 * starting each split's stream where the buckets before {@code first} end ({@link PackingLayout}), so the tokens
 * and document entries it writes are the single process's for those buckets.
 */
final class RangePackingPass {
    private final PreparationSettings settings;
    private final ShuffleBuckets shuffle;
    private final PackingLayout layout;
    private final DedupDecision dedup;
    private final ProgressReporter progress;

    RangePackingPass(PreparationSettings settings, ShuffleBuckets shuffle, PackingLayout layout, DedupDecision dedup,
                     ProgressReporter progress) {
        this.progress = progress;
        this.settings = settings;
        this.shuffle = shuffle;
        this.layout = layout;
        this.dedup = dedup;
    }

    /**
     * Packs buckets {@code [first, end)} of {@code spill} into {@code share}, deleting each bucket once read.
     *
     * @return documents and tokens packed per source, for rank 0's report
     */
    Map<String, long[]> run(ShuffleSpill spill, int first, int end, RankShare share) throws IOException {
        int length = settings.sequenceLength();
        long perShard = settings.sequencesPerShard() * length;
        int eot = settings.tokenizer().endOfTextId();
        Map<Split, TokenStreamOutput> streams = new EnumMap<>(Split.class);
        Map<Split, long[]> positions = new EnumMap<>(Split.class);
        Map<String, long[]> bySource = new TreeMap<>();
        try (PackedDocumentList documents = share.documents();
             ProgressReporter.Task task = progress.start("shuffling and packing", end - first, "buckets")) {
            try {
                for (Split s : Split.values()) {
                    long start = layout.start(first, s);
                    positions.put(s, new long[] {start});
                    streams.put(s, share.tokens(s.fileName(), start, layout.limit(s, length), length,
                            settings.sequencesPerShard(), settings.tokenizer().vocabSize()));
                }
                for (int b = first; b < end; b++) {
                    List<Entry> entries = new ArrayList<>();
                    for (SpilledDocument d : spill.readAndDelete(b)) {
                        if (!dedup.removed(d.ordinal())) {
                            entries.add(new Entry(d, new ContentHash(d.hash())));
                        }
                    }
                    shuffle.shuffle(b, entries, Entry::hash, e -> e.document().ordinal());
                    for (Entry e : entries) {
                        SpilledDocument d = e.document();
                        Split split = Split.ofFileName(d.split());
                        long[] position = positions.get(split);
                        int[] tokens = d.tokens();
                        TokenStreamOutput stream = streams.get(split);
                        stream.write(tokens, 0, tokens.length);
                        stream.write(eot);
                        documents.add(new PackedDocument(d.hash(), d.source(), d.licence(), d.location(), tokens.length,
                                d.split(), (int) (position[0] / perShard), position[0] % perShard,
                                dedup.auditId(d.auditId())));
                        position[0] += tokens.length + 1;
                        long[] c = bySource.computeIfAbsent(d.source(), x -> new long[2]);
                        c[0]++;
                        c[1] += tokens.length;
                    }
                    task.stepTo(b - first + 1);
                }
            } finally {
                closeAll(streams.values());
            }
        }
        return bySource;
    }

    /** A document with its hash parsed once, for the shuffle's sort. */
    private record Entry(SpilledDocument document, ContentHash hash) {
    }

    private static void closeAll(Iterable<TokenStreamOutput> streams) throws IOException {
        IOException first = null;
        for (TokenStreamOutput s : streams) {
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
