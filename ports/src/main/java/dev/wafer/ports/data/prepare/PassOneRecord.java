package dev.wafer.ports.data.prepare;

import java.util.Objects;

import dev.wafer.ports.data.MalformedRecord;

/**
 * One item of the pass-1 results a rank hands to rank 0 in a multi-rank preparation ({@link RankExchange}): the
 * inputs a rank read, each as {@link Begin}, its excluded documents (and, for deduplication, its kept ones), and
 * malformed records in input order, then {@link End}
 * (or {@link Failed} where reading stopped). Rank 0 consumes them in input order, so the dataset equals the one a
 * single process prepares.
 */
public sealed interface PassOneRecord {

    /** The results of input {@code input} (its index in the input list) follow. */
    record Begin(int input) implements PassOneRecord {
    }

    /**
     * A document that was kept.
     *
     * @param source    source name
     * @param licence   licence identifier
     * @param hash      SHA-256 of the normalised text, 64 lowercase hex digits
     * @param location  input file and line
     * @param split     the split's short name: {@code train}, {@code val} or {@code test}
     * @param tokens    token ids (not copied), or null where the rank spilled them to its own shuffle buckets
     *                  ({@link RankExchange#shuffleSpill}) and rank 0 need not see them
     * @param shingles  distinct audit shingles for training documents, else null (not copied); null too where the
     *                  rank added them to its own audit runs ({@link RankExchange#auditRuns})
     * @param textBytes UTF-8 size of the normalised text
     * @param signature its MinHash signature for near-duplicate removal, else null (not copied)
     * @param tokenCount its number of tokens, also where {@code tokens} is null
     */
    record Kept(String source, String licence, String hash, String location, String split, int[] tokens,
                long[] shingles, long textBytes, int[] signature, int tokenCount) implements PassOneRecord {
        /**
         * Checks that the strings are non-null (the arrays may be null); refuses a null with
         * {@link NullPointerException}.
         */
        public Kept {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(licence, "licence");
            Objects.requireNonNull(hash, "hash");
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(split, "split");
        }

        /** A kept document without a signature (deduplication off or exact), with its tokens. */
        public Kept(String source, String licence, String hash, String location, String split, int[] tokens,
                    long[] shingles, long textBytes) {
            this(source, licence, hash, location, split, tokens, shingles, textBytes, null);
        }

        /** A kept document with its tokens. */
        public Kept(String source, String licence, String hash, String location, String split, int[] tokens,
                    long[] shingles, long textBytes, int[] signature) {
            this(source, licence, hash, location, split, tokens, shingles, textBytes, signature,
                    tokens == null ? 0 : tokens.length);
        }
    }

    /**
     * A document a rule excluded.
     *
     * @param rule      the rule's name as the domain spells it
     * @param detail    the rule's reason
     * @param textBytes UTF-8 size of the normalised text
     */
    record Excluded(String source, String licence, String hash, String location, String rule, String detail,
                    long textBytes) implements PassOneRecord {
        /** Checks that the strings are non-null; refuses a null with {@link NullPointerException}. */
        public Excluded {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(licence, "licence");
            Objects.requireNonNull(hash, "hash");
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** A record of the input that was not a document. */
    record Malformed(MalformedRecord record) implements PassOneRecord {
        /** Checks that {@code record} is non-null; refuses a null with {@link NullPointerException}. */
        public Malformed {
            Objects.requireNonNull(record, "record");
        }
    }

    /**
     * Reading the input failed here; nothing of this rank follows. {@code message} is the failure as a single
     * process would have reported it.
     */
    record Failed(String message) implements PassOneRecord {
        /** Checks that {@code message} is non-null; refuses a null with {@link NullPointerException}. */
        public Failed {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * The current input's results are complete. Its kept documents went to the rank's shuffle buckets and audit runs
     * ({@link RankExchange#shuffleSpill}, {@link RankExchange#auditRuns}); they appear in the stream as {@link Kept}
     * (without tokens and shingles) only where rank 0 needs them one by one (deduplication), so the counts here
     * are what rank 0 numbers the whole input by.
     *
     * @param documents     documents read (kept and excluded)
     * @param kept          documents kept
     * @param train         kept training documents
     * @param keptTextBytes UTF-8 size of the kept documents' normalised text
     * @param sha256        the input's {@link dev.wafer.ports.data.DocumentSource#sha256()}, or null
     */
    record End(long documents, long kept, long train, long keptTextBytes, String sha256) implements PassOneRecord {
    }
}
