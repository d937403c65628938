package dev.wafer.domain.data.prepare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.function.Consumer;

import dev.wafer.domain.data.Exclusion;
import dev.wafer.domain.data.Provenance;
import dev.wafer.domain.data.ShuffleBuckets;
import dev.wafer.domain.data.SourceSummary;
import dev.wafer.domain.data.Split;
import dev.wafer.domain.data.dedup.Deduplicator;
import dev.wafer.ports.data.prepare.AuditIndexOutput;
import dev.wafer.ports.data.prepare.ExclusionList;
import dev.wafer.ports.data.prepare.ShuffleSpill;
import dev.wafer.ports.data.prepare.SpilledDocument;

/**
 * Pass 1's consuming side, fed in input order: records exclusions, gives training documents their audit ids and
 * adds their shingles to the audit index, spills every kept document to its shuffle bucket, and hands it to the
 * deduplicator when there is one (which decides after pass 1; pass 2 skips what it removed).
 */
final class BucketingPass implements Consumer<ProcessedDocument> {
    private final ShuffleBuckets shuffle;
    private final ShuffleSpill spill;
    private final SourceSummary.Builder summary;
    /** Written as they come (input order): a list in memory grew with them until the heap ran out. */
    private final ExclusionList exclusions;
    private final ExclusionTally.Builder tally = new ExclusionTally.Builder();
    /** The sources of the documents accepted here (a multi-rank walk sees kept documents only when deduplicating). */
    private final java.util.Set<String> sources = new java.util.TreeSet<>();
    private final AuditIndexOutput auditIndex;
    private final Deduplicator dedup;
    private int trainDocuments;
    private long keptDocuments;
    private long textBytes;

    /**
     * @param spill where kept documents go (and their shingles to {@code auditIndex}), or null where the ranks
     *              spilled them to their own buckets and audit runs
     */
    BucketingPass(ShuffleBuckets shuffle, ShuffleSpill spill, AuditIndexOutput auditIndex,
                  SourceSummary.Builder summary, Deduplicator dedup, ExclusionList exclusions) {
        this.exclusions = exclusions;
        this.dedup = dedup;
        this.shuffle = shuffle;
        this.spill = spill;
        this.auditIndex = auditIndex;
        this.summary = summary;
    }

    @Override
    public void accept(ProcessedDocument d) {
        textBytes += d.textBytes();
        sources.add(d.provenance().source());
        if (d.exclusion() != null) {
            exclude(d.exclusion());
            summary.excluded(d.provenance().source());
            return;
        }
        keptDocuments++;
        var p = d.provenance();
        try {
            int auditId = -1;
            if (d.split() == Split.TRAIN) {
                // Ids follow input order, as the index expects.
                auditId = trainDocuments++;
                if (spill != null) {
                    auditIndex.add(auditId, d.shingles());
                }
            }
            if (dedup != null) {
                dedup.add(d.ordinal(), p.hash(), p.source(), p.location(), auditId, d.signature(), d.split(),
                        d.tokenCount());
            }
            if (spill == null) {
                // Multi-rank: the reading rank spilled it already (RankBuckets renumbers it).
                return;
            }
            spill.append(shuffle.bucketOf(p.hash()), new SpilledDocument(d.ordinal(), p.hash().hex(), p.source(),
                    p.licence(), p.location(), d.split().fileName(), auditId, d.tokens()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write shuffle bucket, audit index or deduplication scratch: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Counts kept documents that a rank left in its own shuffle buckets and audit runs without listing them here
     * (multi-rank, deduplication off), in input order with the documents accepted.
     */
    void keptElsewhere(long kept, long train, long keptTextBytes) {
        keptDocuments += kept;
        trainDocuments = Math.toIntExact(trainDocuments + train);
        textBytes += keptTextBytes;
    }

    private void exclude(Exclusion e) {
        Provenance p = e.provenance();
        try {
            exclusions.add(p.hash().hex(), p.source(), p.licence(), p.location(),
                    e.rule().name().toLowerCase(Locale.ROOT), e.detail());
        } catch (IOException x) {
            throw new UncheckedIOException("cannot write the list of excluded documents: " + x.getMessage(), x);
        }
        tally.add(e);
    }

    /** What was excluded so far, counted. */
    ExclusionTally exclusions() {
        return tally.build();
    }

    /** The sources of the documents accepted so far, sorted. */
    java.util.Set<String> sources() {
        return sources;
    }

    /** Documents spilled (not excluded). */
    long keptDocuments() {
        return keptDocuments;
    }

    int trainDocuments() {
        return trainDocuments;
    }

    long textBytes() {
        return textBytes;
    }
}
