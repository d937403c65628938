package dev.wafer.domain.audit;

/**
 * How many copies of a sampled sequence the train split holds, in the decade buckets of Carlini et al. (2022), whose
 * memorization rises with duplication: 1, 2-9, 10-99, 100 or more. {@link #NONE} (0 copies) only arises for windows
 * that are not training rows: a held-out split's, or a user's text that is not in the training data.
 */
public enum DuplicationBucket {
    /** Not in the train split. */
    NONE("0", 0, 0),
    /** Once: the row itself. */
    ONE("1", 1, 1),
    /** 2 to 9 copies. */
    FEW("2-9", 2, 9),
    /** 10 to 99 copies. */
    MANY("10-99", 10, 99),
    /** 100 copies or more. */
    MOST("100+", 100, Long.MAX_VALUE);

    private final String label;
    private final long min;
    private final long max;

    DuplicationBucket(String label, long min, long max) {
        this.label = label;
        this.min = min;
        this.max = max;
    }

    /** The bucket of {@code copies}, at least 0. */
    public static DuplicationBucket of(long copies) {
        if (copies < 0) {
            throw new IllegalArgumentException("copies must be >= 0, found " + copies);
        }
        for (DuplicationBucket b : values()) {
            if (copies <= b.max) {
                return b;
            }
        }
        throw new AssertionError(copies);
    }

    /** How it is printed and named in JSON: {@code 0}, {@code 1}, {@code 2-9}, {@code 10-99}, {@code 100+}. */
    public String label() {
        return label;
    }

    /** Fewest copies in the bucket. */
    public long min() {
        return min;
    }

    /** Most copies in the bucket ({@link Long#MAX_VALUE} for the last). */
    public long max() {
        return max;
    }
}
