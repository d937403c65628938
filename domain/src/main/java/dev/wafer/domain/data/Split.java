package dev.wafer.domain.data;

import java.util.Locale;

/** The three parts of a prepared dataset. */
public enum Split {
    /** Documents trained on. */
    TRAIN,
    /** Held-out documents for the validation loss. */
    VALIDATION,
    /** Held-out documents kept apart for evaluation. */
    TEST;

    /** Short lowercase name used in file names and manifests: {@code train}, {@code val}, {@code test}. */
    public String fileName() {
        return this == VALIDATION ? "val" : name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #fileName()}. */
    public static Split ofFileName(String name) {
        for (Split s : values()) {
            if (s.fileName().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown split '" + name + "' (expected train, val or test)");
    }
}
