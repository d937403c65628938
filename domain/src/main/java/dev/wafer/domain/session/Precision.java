package dev.wafer.domain.session;

import java.util.Locale;

/** The numeric precision a run trains in; saved with the run so that a resumed run keeps it. */
public enum Precision {
    /** Everything in float32: parameters, activations, gradients, optimizer state. */
    FP32;

    /** The lower-case id used on the command line and in checkpoints. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses an id (any case).
     *
     * @throws IllegalArgumentException naming the supported precisions otherwise
     */
    public static Precision parse(String text) {
        for (Precision p : values()) {
            if (p.id().equalsIgnoreCase(text.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("precision must be 'fp32' (the only one this release trains in), found '"
                + text + "'");
    }
}
