package dev.wafer.domain.schedule;

import java.util.Locale;

/** How the learning rate falls after warm-up. */
public enum DecayType {
    /** {@code lr = (peak - end)(1 - x/D) + end}, Modelzoo's PolynomialLR with power 1. */
    LINEAR,
    /** {@code lr = end + (peak - end) (1 + cos(pi x/D)) / 2}, Modelzoo's Keras-style CosineDecayLR. */
    COSINE;

    /** The lower-case name used in output ({@code linear}, {@code cosine}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code linear} or {@code cosine} (any case).
     *
     * @throws IllegalArgumentException naming the accepted values otherwise
     */
    public static DecayType parse(String text) {
        for (DecayType t : values()) {
            if (t.id().equalsIgnoreCase(text.trim())) {
                return t;
            }
        }
        throw new IllegalArgumentException("decay must be 'linear' or 'cosine', found '" + text + "'");
    }
}
