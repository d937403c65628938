package dev.wafer.domain.data;

import java.util.Objects;

/**
 * The fingerprint of a work that must not be trained on: its distinct word {@value #SHINGLE_WORDS}-gram shingle
 * hashes, sorted. Made from the work's text; the text itself need not be kept or shipped.
 *
 * @param name     a label for manifests (e.g. the file name of the work)
 * @param shingles distinct shingle hashes, sorted ascending
 */
public record WorkFingerprint(String name, long[] shingles) {
    /**
     * Words per shingle for works. Ten words rarely recur by chance across unrelated texts, yet a few edited
     * words only break the shingles that contain them.
     */
    public static final int SHINGLE_WORDS = 10;

    /** Checks that the name and shingles are present and that there is at least one shingle. */
    public WorkFingerprint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shingles, "shingles");
        if (shingles.length == 0) {
            throw new IllegalArgumentException("work '" + name + "' has fewer than " + SHINGLE_WORDS
                    + " words; a fingerprint needs at least one " + SHINGLE_WORDS + "-word shingle");
        }
    }

    /** Fingerprints a work's (normalised) text. */
    public static WorkFingerprint of(String name, String text) {
        return new WorkFingerprint(name, new WordShingles(SHINGLE_WORDS).distinct(text));
    }

    /**
     * Number of the work's shingles a document must contain to be excluded: half of them, but never more than
     * {@value WorkMatcher#MAX_REQUIRED_SHINGLES} (about that many words of verbatim text, a few pages, is a
     * substantial part of any work).
     */
    public int requiredMatches() {
        return Math.max(1, Math.min((shingles.length + 1) / 2, WorkMatcher.MAX_REQUIRED_SHINGLES));
    }
}
