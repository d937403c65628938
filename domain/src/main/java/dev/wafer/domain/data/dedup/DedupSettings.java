package dev.wafer.domain.data.dedup;

import java.util.Objects;

/**
 * What deduplication does, and the fixed MinHash/LSH parameters of near-duplicate detection.
 *
 * <p>Why these parameters: shingles of {@value #SHINGLE_WORDS} words keep the Jaccard similarity of a document and
 * its lightly edited copy high (a changed word touches only 5 shingles) while two unrelated texts that share a
 * vocabulary rarely share a 5-word run. {@value #BANDS} bands of {@value #ROWS} rows ({@value #PERMUTATIONS}
 * min-hashes) make a pair a candidate with probability {@code 1 - (1 - s^6)^20} (the S-curve,
 * {@link #candidateProbability}): 0.998 at s = 0.8, 0.918 at 0.7, 0.27 at 0.5, 0.015 at 0.3. Its steep part
 * (about {@code (1/20)^(1/6)} = 0.61) lies below the default threshold, so pairs at the threshold are almost never
 * missed, and the candidates below it are removed by verification: the estimated Jaccard over 120 min-hashes has a
 * standard error of at most {@code sqrt(0.25/120)} = 0.046 (0.037 at s = 0.8).
 *
 * @param mode      what to remove
 * @param threshold Jaccard similarity at or above which a near duplicate is removed, in (0, 1]
 */
public record DedupSettings(DedupMode mode, double threshold) {
    /** Words per shingle of the MinHash signature. */
    public static final int SHINGLE_WORDS = 5;
    /** LSH bands. */
    public static final int BANDS = 20;
    /** Min-hashes per band. */
    public static final int ROWS = 6;
    /** Min-hashes per signature. */
    public static final int PERMUTATIONS = BANDS * ROWS;
    /** SlimPajama's threshold: 0.8 catches edited copies and keeps documents that merely share a topic. */
    public static final double DEFAULT_THRESHOLD = 0.8;
    /** Seeds the min-hash coefficients and band keys; part of the format, so fixed. */
    static final long SEED = 0x5EED_DEDB_0000_0001L;

    /** No deduplication. */
    public static final DedupSettings NONE = new DedupSettings(DedupMode.NONE, DEFAULT_THRESHOLD);

    /** Checks that the mode is present and the threshold in (0, 1]. */
    public DedupSettings {
        Objects.requireNonNull(mode, "mode");
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1], found " + threshold);
        }
    }

    /** Whether anything is removed. */
    public boolean enabled() {
        return mode != DedupMode.NONE;
    }

    /** The probability that LSH makes two documents of Jaccard similarity {@code s} a candidate pair. */
    public static double candidateProbability(double s) {
        return 1 - Math.pow(1 - Math.pow(s, ROWS), BANDS);
    }
}
