package dev.wafer.domain.data;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The rules applied to every document before tokenisation, in this order: excluded sources, allowed licences,
 * excluded works. Source and licence names compare case-insensitively; a source name also without its control
 * and format characters and surrounding white space of any kind ({@link #sourceKey}), so a document of source
 * {@code "Books3 "}, {@code "Books3\u0000"} or {@code "\u00a0Books3"} is excluded by {@code Books3}.
 *
 * <p>Licences: with an empty allow list every licence passes, unknown included. With a non-empty list only the
 * listed licences pass, and a document whose licence is unknown is refused unless {@code unknown} itself is
 * listed.
 */
public final class ProvenanceRules {
    /** The excluded sources as given, for messages. */
    private final Set<String> excludedSourceNames;
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
        this.excludedSourceNames = new TreeSet<>(excludedSources);
        this.excludedSources = excludedSources.stream().map(ProvenanceRules::sourceKey)
                .collect(Collectors.toUnmodifiableSet());
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
        if (excludedSources.contains(sourceKey(provenance.source()))) {
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

    /**
     * The excluded sources, as given, that no document of a finished first pass had and that are not sources of the
     * Pile either: a name that matched nothing is most likely misspelt (a typo for {@code Books3} would otherwise
     * train on Books3 without a word), while a Pile source a corpus happens to lack is a valid rule for any shard.
     * The source rule is checked first, so a source some document had excluded at least that document.
     *
     * @param exclusions every exclusion of the pass
     */
    public List<String> unmatchedSources(List<Exclusion> exclusions) {
        Set<String> matched = new java.util.HashSet<>();
        for (Exclusion x : exclusions) {
            if (x.rule() == ExclusionRule.SOURCE) {
                matched.add(sourceKey(x.provenance().source()));
            }
        }
        return excludedSourceNames.stream().filter(n -> !matched.contains(sourceKey(n))
                && !PileSources.isPileSource(n.strip())).toList();
    }

    /**
     * The form in which source names compare ({@link SourceName#key}): without control and format characters, every
     * Unicode space taken for white space, without surrounding white space, lower case. Metadata such as
     * {@code "Books3 "}, {@code "Books3\u0000"} or {@code "\u200bBooks3"} names Books3: compared as given, it escaped
     * {@code --exclude-source Books3} and was trained on.
     *
     * @param source a source name
     * @return the name's comparison key
     */
    public static String sourceKey(String source) {
        return SourceName.key(source);
    }

    private static Set<String> lower(Set<String> names) {
        return names.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }
}
