package dev.wafer.domain.param;

import java.util.Locale;

/** Which parameterisation a model is trained with. */
public enum ParameterisationKind {
    /** Standard parameterisation: constant init std, one learning rate for every tensor. */
    SP,
    /** Maximal-update parameterisation (muP): width-scaled init, multipliers and hidden learning rates. */
    MUP;

    /** The lower-case name used in configuration and JSON ({@code sp}, {@code mup}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code sp} or {@code mup} (any case).
     *
     * @throws IllegalArgumentException naming the accepted values when {@code text} is neither
     */
    public static ParameterisationKind parse(String text) {
        for (ParameterisationKind kind : values()) {
            if (kind.id().equalsIgnoreCase(text.trim())) {
                return kind;
            }
        }
        throw new IllegalArgumentException("parameterisation must be 'sp' or 'mup', found '" + text + "'");
    }
}
