package dev.wafer.domain.data;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * Decides whether a document contains a substantial part of any excluded work.
 *
 * <p>Rule: a document is excluded for work W when the number of distinct W-shingles it contains is at least
 * {@link WorkFingerprint#requiredMatches()} (half of W's shingles, capped at {@value #MAX_REQUIRED_SHINGLES}).
 * Counting distinct shared shingles makes the rule indifferent to where the work sits inside a larger document
 * and tolerant of edits (each edited word only removes the {@value WorkFingerprint#SHINGLE_WORDS} shingles
 * that contain it); short quotations of a work stay far below the threshold. Thread-safe: each thread counts in
 * its own reusable tally.
 */
public final class WorkMatcher {
    /** Cap on the shingles required for a match (about this many words of the work). */
    public static final int MAX_REQUIRED_SHINGLES = 1000;

    private final List<WorkFingerprint> works;
    private final ShingleTable table;
    private final WordShingles shingler = new WordShingles(WorkFingerprint.SHINGLE_WORDS);
    private final ThreadLocal<Tally> tallies;

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
        int count = this.works.size();
        this.tallies = ThreadLocal.withInitial(() -> new Tally(count));
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
        Tally tally = tallies.get();
        for (long s : docShingles) {
            table.forEachId(s, tally);
        }
        // The lowest-numbered work that reaches its threshold, as a scan of every work's count would find it.
        int found = -1;
        for (int i = 0; i < tally.touchedCount; i++) {
            int w = tally.touched[i];
            if ((found < 0 || w < found) && tally.counts[w] >= works.get(w).requiredMatches()) {
                found = w;
            }
        }
        int matched = found < 0 ? 0 : tally.counts[found];
        tally.reset();
        if (found < 0) {
            return Optional.empty();
        }
        WorkFingerprint work = works.get(found);
        return Optional.of(new Match(work.name(), matched, work.shingles().length));
    }

    /**
     * Shared-shingle counts of one document, per thread and reused: only the works the document touches are counted
     * and cleared, so a document costs its own shingles, not one slot per work (an int[works] per document cost
     * 144 µs with 16,000 works).
     */
    private static final class Tally implements IntConsumer {
        private final int[] counts;
        private int[] touched = new int[16];
        private int touchedCount;

        Tally(int works) {
            counts = new int[works];
        }

        @Override
        public void accept(int work) {
            if (counts[work]++ == 0) {
                if (touchedCount == touched.length) {
                    touched = Arrays.copyOf(touched, touchedCount * 2);
                }
                touched[touchedCount++] = work;
            }
        }

        void reset() {
            for (int i = 0; i < touchedCount; i++) {
                counts[touched[i]] = 0;
            }
            touchedCount = 0;
        }
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
