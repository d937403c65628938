package dev.wafer.domain.data;

import java.util.Objects;

/**
 * A document that a rule excluded, as recorded in the manifest.
 *
 * @param provenance the document's provenance
 * @param rule       the rule that excluded it
 * @param detail     the rule's reason, e.g. {@code source Books3 excluded} or {@code 62% of work moby.txt}
 */
public record Exclusion(Provenance provenance, ExclusionRule rule, String detail) {
    /** Checks that the provenance, rule and detail are present. */
    public Exclusion {
        Objects.requireNonNull(provenance, "provenance");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(detail, "detail");
    }
}
