package dev.wafer.domain.data.dedup;

/** Exact Jaccard similarity of two sets given as sorted arrays of distinct values (the reference MinHash estimates). */
public final class Jaccard {
    private Jaccard() {
    }

    /** |a ∩ b| / |a ∪ b|; 1 for two empty sets. */
    public static double ofSorted(long[] a, long[] b) {
        int i = 0;
        int j = 0;
        long common = 0;
        while (i < a.length && j < b.length) {
            if (a[i] == b[j]) {
                common++;
                i++;
                j++;
            } else if (a[i] < b[j]) {
                i++;
            } else {
                j++;
            }
        }
        long union = (long) a.length + b.length - common;
        return union == 0 ? 1.0 : (double) common / union;
    }
}
