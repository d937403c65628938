package dev.wafer.domain.audit;

/**
 * Memorization over a group of windows (all, one source, one document).
 *
 * @param samples          windows
 * @param memorized        windows whose continuation was reproduced exactly
 * @param tokenMatchRate   matching positions over all compared positions (the mean per-window match rate, as every
 *                         window compares S tokens)
 * @param meanLongestMatch mean of {@link ContinuationMatch#longestMatch()} in tokens
 * @param maxLongestMatch  the largest {@link ContinuationMatch#longestMatch()} in tokens
 */
public record MemorizationStats(int samples, int memorized, double tokenMatchRate, double meanLongestMatch,
                                int maxLongestMatch) {
    /** Fraction of windows memorized, 0 when there are none. */
    public double memorizedFraction() {
        return samples == 0 ? 0 : (double) memorized / samples;
    }

    /** Adds up windows one at a time. */
    static final class Tally {
        private int samples;
        private int memorized;
        private long compared;
        private long matched;
        private long longestSum;
        private int longestMax;

        void add(ContinuationMatch m) {
            samples++;
            memorized += m.exact() ? 1 : 0;
            compared += m.length();
            matched += m.matched();
            longestSum += m.longestMatch();
            longestMax = Math.max(longestMax, m.longestMatch());
        }

        MemorizationStats stats() {
            return new MemorizationStats(samples, memorized, compared == 0 ? 0 : (double) matched / compared,
                    samples == 0 ? 0 : (double) longestSum / samples, longestMax);
        }
    }
}
