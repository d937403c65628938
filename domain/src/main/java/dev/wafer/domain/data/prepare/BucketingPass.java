package dev.wafer.domain.data.prepare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.wafer.domain.data.Exclusion;
import dev.wafer.domain.data.ShingleTable;
import dev.wafer.domain.data.ShuffleBuckets;
import dev.wafer.domain.data.SourceSummary;
import dev.wafer.domain.data.Split;
import dev.wafer.ports.data.prepare.ShuffleSpill;
import dev.wafer.ports.data.prepare.SpilledDocument;

/**
 * Pass 1's consuming side, fed in input order: records exclusions, gives training documents their audit ids and
 * indexes their shingles, and spills every kept document to its shuffle bucket.
 */
final class BucketingPass implements Consumer<ProcessedDocument> {
    private final ShuffleBuckets shuffle;
    private final ShuffleSpill spill;
    private final SourceSummary.Builder summary;
    private final List<Exclusion> exclusions = new ArrayList<>();
    private final ShingleTable.Builder auditIndex = new ShingleTable.Builder();
    private int trainDocuments;
    private long keptDocuments;
    private long textBytes;

    BucketingPass(ShuffleBuckets shuffle, ShuffleSpill spill, SourceSummary.Builder summary) {
        this.shuffle = shuffle;
        this.spill = spill;
        this.summary = summary;
    }

    @Override
    public void accept(ProcessedDocument d) {
        textBytes += d.textBytes();
        if (d.exclusion() != null) {
            exclusions.add(d.exclusion());
            summary.excluded(d.provenance().source());
            return;
        }
        keptDocuments++;
        int auditId = -1;
        if (d.split() == Split.TRAIN) {
            // Ids follow input order, so the index builder sees them in non-decreasing order.
            auditId = trainDocuments++;
            for (long s : d.shingles()) {
                auditIndex.add(s, auditId);
            }
        }
        var p = d.provenance();
        try {
            spill.append(shuffle.bucketOf(p.hash()), new SpilledDocument(d.ordinal(), p.hash().hex(), p.source(),
                    p.licence(), p.location(), d.split().fileName(), auditId, d.tokens()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write shuffle bucket", e);
        }
    }

    List<Exclusion> exclusions() {
        return exclusions;
    }

    /** The audit index of the training documents seen so far. */
    ShingleTable auditIndex() {
        return auditIndex.build();
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
