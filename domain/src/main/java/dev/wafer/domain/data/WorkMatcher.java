package dev.wafer.domain.data;

import java.util.List;
import java.util.Optional;

/**
 * Decides whether a document contains a substantial part of any excluded work.
 *
 * <p>Rule: a document is excluded for work W when the number of distinct W-shingles it contains is at least
 * {@link WorkFingerprint#requiredMatches()} (half of W's shingles, capped at {@value #MAX_REQUIRED_SHINGLES}).
 * Counting distinct shared shingles makes the rule indifferent to where the work sits inside a larger document
 * and tolerant of edits (each edited word only removes the {@value WorkFingerprint#SHINGLE_WORDS} shingles
 * that contain it); short quotations of a work stay far below the threshold.
 */
public final class WorkMatcher {
    /** Cap on the shingles required for a match (about this many words of the work). */
    public static final int MAX_REQUIRED_SHINGLES = 1000;

    private final List<WorkFingerprint> works;
    private final ShingleTable table;
    private final WordShingles shingler = new WordShingles(WorkFingerprint.SHINGLE_WORDS);

    /**
     * A matcher over {@code works}, their shingles indexed in one table.
     *
     * @param works fingerprints of the excluded works (may be empty)
     */
    public WorkMatcher(List<WorkFingerprint> works) {
        this.works = List.copyOf(works);
        ShingleTable.Builder builder = new ShingleTable.Builder();
        for (int w = 0; w < this.works.size(); w++) {
            for (long s : this.works.get(w).shingles()) {
                builder.add(s, w);
            }
        }
        this.table = builder.build();
    }

    /** True when there are no works to match. */
    public boolean isEmpty() {
        return works.isEmpty();
    }

    /** The matched work and how much of it the document contains, if the document must be excluded. */
    public Optional<Match> match(String normalisedText) {
        if (works.isEmpty()) {
            return Optional.empty();
        }
        long[] docShingles = shingler.distinct(normalisedText);
        int[] counts = new int[works.size()];
        for (long s : docShingles) {
            table.forEachId(s, w -> counts[w]++);
        }
        for (int w = 0; w < counts.length; w++) {
            WorkFingerprint work = works.get(w);
            if (counts[w] >= work.requiredMatches()) {
                return Optional.of(new Match(work.name(), counts[w], work.shingles().length));
            }
        }
        return Optional.empty();
    }

    /**
     * A document matched a work.
     *
     * @param work           the work's name
     * @param matched        distinct work shingles found in the document
     * @param workShingles   the work's distinct shingles
     */
    public record Match(String work, int matched, int workShingles) {
        /** Share of the work found in the document. */
        public double fraction() {
            return (double) matched / workShingles;
        }
    }
}
