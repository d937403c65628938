package dev.wafer.domain.data;

import java.util.Locale;

/**
 * Assigns each document to train, validation or test from its content hash alone: deterministic, independent
 * of the shuffle seed and of input order, and identical documents always share a split (so exact duplicates
 * cannot leak from train into validation).
 */
public final class SplitAssigner {
    private final double train;
    private final double validation;

    /**
     * An assigner that gives each split about its fraction of the documents.
     *
     * @param train      fraction for training
     * @param validation fraction for validation
     * @param test       fraction for test; the three must be non-negative and sum to 1 (within 1e-6)
     */
    public SplitAssigner(double train, double validation, double test) {
        // Written as what must hold, so that NaN (every comparison false) is refused too.
        if (!(train >= 0 && validation >= 0 && test >= 0 && Math.abs(train + validation + test - 1) <= 1e-6)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "split fractions must be non-negative and sum to 1, got %s,%s,%s", train, validation, test));
        }
        this.train = train;
        this.validation = validation;
    }

    /**
     * Parses {@code "0.98,0.01,0.01"}.
     *
     * @throws IllegalArgumentException naming {@code spec} if it is not three comma-separated numbers, or as the
     *                                  constructor
     */
    public static SplitAssigner parse(String spec) {
        String[] parts = spec.split(",");
        if (parts.length != 3) {
            throw new IllegalArgumentException("spec needs three fractions train,val,test (e.g. 0.98,0.01,0.01), got '"
                    + spec + "'");
        }
        try {
            return new SplitAssigner(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()),
                    Double.parseDouble(parts[2].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("spec fractions must be numbers, got '" + spec + "'", e);
        }
    }

    /** The split of a document. */
    public Split assign(ContentHash hash) {
        // A salt keeps the split independent of the shuffle bucket, which also derives from the hash.
        double u = (WordShingles.mix(hash.prefix64() ^ 0x5EED5A17L) >>> 11) * 0x1.0p-53;
        if (u < train) {
            return Split.TRAIN;
        }
        return u < train + validation ? Split.VALIDATION : Split.TEST;
    }
}
