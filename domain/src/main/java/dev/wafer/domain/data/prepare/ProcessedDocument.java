package dev.wafer.domain.data.prepare;

import dev.wafer.domain.data.Exclusion;
import dev.wafer.domain.data.Provenance;
import dev.wafer.domain.data.Split;

/**
 * A document after normalisation, rules and tokenisation (pass 1 of preparation).
 *
 * @param ordinal    input order, breaks shuffle ties between identical documents
 * @param provenance source, licence, hash, location
 * @param exclusion  the rule that excluded it, or null when kept
 * @param split      its split (null when excluded)
 * @param tokens     its token ids (null when excluded)
 * @param shingles   distinct audit shingles (training documents only, else null)
 * @param textBytes  UTF-8 size of the normalised text, for throughput figures
 * @param signature  MinHash signature for near-duplicate removal (kept documents with words, near mode), else null
 * @param tokenCount its number of tokens, also where {@code tokens} stayed with the rank that read it
 */
record ProcessedDocument(long ordinal, Provenance provenance, Exclusion exclusion, Split split, int[] tokens,
                         long[] shingles, long textBytes, int[] signature, int tokenCount) {
    ProcessedDocument(long ordinal, Provenance provenance, Exclusion exclusion, Split split, int[] tokens,
                      long[] shingles, long textBytes) {
        this(ordinal, provenance, exclusion, split, tokens, shingles, textBytes, null);
    }

    ProcessedDocument(long ordinal, Provenance provenance, Exclusion exclusion, Split split, int[] tokens,
                      long[] shingles, long textBytes, int[] signature) {
        this(ordinal, provenance, exclusion, split, tokens, shingles, textBytes, signature,
                tokens == null ? 0 : tokens.length);
    }
}
