package dev.wafer.domain.data;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The rules applied to every document before tokenisation, in this order: excluded sources, allowed licences,
 * excluded works. Source and licence names compare case-insensitively.
 *
 * <p>Licences: with an empty allow list every licence passes, unknown included. With a non-empty list only the
 * listed licences pass, and a document whose licence is unknown is refused unless {@code unknown} itself is
 * listed.
 */
public final class ProvenanceRules {
    private final Set<String> excludedSources;
    private final Set<String> allowedLicences;
    private final WorkMatcher works;

    /**
     * Rules from the given names, lower-cased for case-insensitive comparison, and excluded works.
     *
     * @param excludedSources sources to drop entirely
     * @param allowedLicences licences to keep; empty means all
     * @param works           excluded works
     */
    public ProvenanceRules(Set<String> excludedSources, Set<String> allowedLicences, WorkMatcher works) {
        this.excludedSources = lower(excludedSources);
        this.allowedLicences = lower(allowedLicences);
        this.works = works;
    }

    /** Rules that exclude nothing. */
    public static ProvenanceRules none() {
        return new ProvenanceRules(Set.of(), Set.of(), new WorkMatcher(java.util.List.of()));
    }

    /**
     * Applies the rules.
     *
     * @return the exclusion, or empty when the document may be used
     */
    public Optional<Exclusion> check(Provenance provenance, String normalisedText) {
        if (excludedSources.contains(provenance.source().toLowerCase(Locale.ROOT))) {
            return Optional.of(new Exclusion(provenance, ExclusionRule.SOURCE,
                    "source " + provenance.source() + " is excluded"));
        }
        if (!allowedLicences.isEmpty() && !allowedLicences.contains(provenance.licence().toLowerCase(Locale.ROOT))) {
            String why = provenance.licenceUnknown()
                    ? "licence unknown and 'unknown' is not allowed"
                    : "licence " + provenance.licence() + " is not allowed";
            return Optional.of(new Exclusion(provenance, ExclusionRule.LICENCE, why));
        }
        return works.match(normalisedText).map(m -> new Exclusion(provenance, ExclusionRule.WORK,
                String.format(Locale.ROOT, "contains %d of %d shingles (%.0f%%) of work %s",
                        m.matched(), m.workShingles(), 100 * m.fraction(), m.work())));
    }

    private static Set<String> lower(Set<String> names) {
        return names.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }
}
