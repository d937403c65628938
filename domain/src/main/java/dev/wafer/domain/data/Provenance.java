package dev.wafer.domain.data;

import java.util.Objects;

/**
 * Where a document came from and under which terms.
 *
 * @param source   the source (e.g. {@code Pile-CC}, {@code Books3}); never null
 * @param licence  the licence identifier, or {@link #UNKNOWN_LICENCE} when the input names none
 * @param hash     SHA-256 of the normalised text
 * @param location the input file and line
 */
public record Provenance(String source, String licence, ContentHash hash, String location) {
    /** Licence recorded when neither the document nor the command line names one. */
    public static final String UNKNOWN_LICENCE = "unknown";
    /** Source recorded when neither the document nor the command line names one. */
    public static final String UNKNOWN_SOURCE = "unknown";

    /** Checks that the source, licence, hash and location are present. */
    public Provenance {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(licence, "licence");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(location, "location");
    }

    /** True when the licence is not known. */
    public boolean licenceUnknown() {
        return UNKNOWN_LICENCE.equals(licence);
    }
}
