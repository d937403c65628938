package dev.wafer.domain.data.prepare;

import dev.wafer.domain.data.ContentHash;
import dev.wafer.domain.data.Exclusion;
import dev.wafer.domain.data.ExclusionRule;
import dev.wafer.domain.data.Provenance;
import dev.wafer.domain.data.Split;
import dev.wafer.ports.data.prepare.PassOneRecord;

/** Converts processed documents to the records ranks exchange, and back (with the ordinal rank 0 assigns). */
final class PassOneRecords {
    private PassOneRecords() {
    }

    static PassOneRecord of(ProcessedDocument d) {
        Provenance p = d.provenance();
        if (d.exclusion() != null) {
            Exclusion e = d.exclusion();
            return new PassOneRecord.Excluded(p.source(), p.licence(), p.hash().hex(), p.location(), e.rule().name(),
                    e.detail(), d.textBytes());
        }
        return new PassOneRecord.Kept(p.source(), p.licence(), p.hash().hex(), p.location(), d.split().fileName(),
                d.tokens(), d.shingles(), d.textBytes(), d.signature());
    }

    /** As {@link #of} for a kept document whose tokens and shingles the rank spilled to its own buckets and runs. */
    static PassOneRecord.Kept withoutTokens(ProcessedDocument d) {
        Provenance p = d.provenance();
        return new PassOneRecord.Kept(p.source(), p.licence(), p.hash().hex(), p.location(), d.split().fileName(),
                null, null, d.textBytes(), d.signature(), d.tokens().length);
    }

    /** @param ordinal the document's position in the whole input, counted by rank 0 as it replays */
    static ProcessedDocument kept(long ordinal, PassOneRecord.Kept k) {
        Provenance p = new Provenance(k.source(), k.licence(), new ContentHash(k.hash()), k.location());
        return new ProcessedDocument(ordinal, p, null, Split.ofFileName(k.split()), k.tokens(), k.shingles(),
                k.textBytes(), k.signature(), k.tokenCount());
    }

    static ProcessedDocument excluded(long ordinal, PassOneRecord.Excluded x) {
        Provenance p = new Provenance(x.source(), x.licence(), new ContentHash(x.hash()), x.location());
        return new ProcessedDocument(ordinal, p, new Exclusion(p, ExclusionRule.valueOf(x.rule()), x.detail()), null,
                null, null, x.textBytes());
    }
}
