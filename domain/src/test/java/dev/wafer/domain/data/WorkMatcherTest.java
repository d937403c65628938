package dev.wafer.domain.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.Test;

class WorkMatcherTest {
    private static final long SEED = 20240501L;
    private final TestText gen = new TestText(SEED, 5000);
    private final String work = gen.words(3000);
    private final WorkMatcher matcher = new WorkMatcher(List.of(WorkFingerprint.of("the-work", work)));

    @Test
    void exactCopyIsExcluded() {
        assertTrue(matcher.match(work).isPresent(), "seed " + SEED);
    }

    @Test
    void whitespaceCaseAndPunctuationChangesDoNotHide() {
        String edited = work.toUpperCase(Locale.ROOT).replace(" ", "\n\t ").replace(",", ";").replace(".", "!");
        assertTrue(matcher.match(edited).isPresent(), "seed " + SEED);
    }

    @Test
    void workEmbeddedInLargerDocumentIsExcluded() {
        String doc = gen.words(5000) + "\n\n" + work + "\n\n" + gen.words(5000);
        assertTrue(matcher.match(doc).isPresent(), "seed " + SEED);
    }

    @Test
    void substantialExcerptIsExcluded() {
        String[] words = work.split(" ");
        String excerpt = String.join(" ", java.util.Arrays.copyOfRange(words, 500, 1800));
        assertTrue(matcher.match(gen.words(2000) + " " + excerpt).isPresent(), "seed " + SEED);
    }

    @Test
    void lightlyEditedCopyIsExcluded() {
        assertTrue(matcher.match(gen.lightlyEdit(work, 60)).isPresent(), "seed " + SEED);
    }

    @Test
    void shortQuotationIsNotExcluded() {
        String[] words = work.split(" ");
        String quote = String.join(" ", java.util.Arrays.copyOfRange(words, 100, 160));
        assertFalse(matcher.match(gen.words(2000) + " " + quote + " " + gen.words(500)).isPresent(), "seed " + SEED);
    }

    @Test
    void unrelatedDocumentsAreNotExcluded() {
        for (int i = 0; i < 200; i++) {
            assertFalse(matcher.match(gen.words(2000)).isPresent(), "document " + i + ", seed " + SEED);
        }
    }

    @Test
    void requiredMatchesIsHalfCappedAtOneThousand() {
        assertEquals(1000, WorkFingerprint.of("w", work).requiredMatches());
        WorkFingerprint small = WorkFingerprint.of("s", gen.words(109)); // 100 shingles
        assertEquals(50, small.requiredMatches(), "seed " + SEED);
    }

    @Test
    void rulesApplySourceThenLicenceThenWork() {
        ProvenanceRules rules = new ProvenanceRules(Set.of("books3"), Set.of("public-domain", "CC-BY-4.0"), matcher);
        ContentHash h = ContentHash.of("x");
        assertEquals(ExclusionRule.SOURCE, rules.check(new Provenance("Books3", "public-domain", h, "f:1"), "x").orElseThrow().rule());
        assertEquals(ExclusionRule.LICENCE, rules.check(new Provenance("Wiki", "GPL", h, "f:1"), "x").orElseThrow().rule());
        assertEquals(ExclusionRule.LICENCE, rules.check(new Provenance("Wiki", Provenance.UNKNOWN_LICENCE, h, "f:1"), "x").orElseThrow().rule());
        assertTrue(rules.check(new Provenance("Wiki", "cc-by-4.0", h, "f:1"), "x").isEmpty());
        assertEquals(ExclusionRule.WORK, rules.check(new Provenance("Wiki", "public-domain", h, "f:1"), work).orElseThrow().rule());
        ProvenanceRules unknownAllowed = new ProvenanceRules(Set.of(), Set.of("unknown"), new WorkMatcher(List.of()));
        assertTrue(unknownAllowed.check(new Provenance("Wiki", Provenance.UNKNOWN_LICENCE, h, "f:1"), "x").isEmpty());
        assertTrue(ProvenanceRules.none().check(new Provenance("Books3", "unknown", h, "f:1"), work).isEmpty());
    }

    /** Excluded sources that excluded nothing are reported unless they are Pile sources (case-insensitively). */
    @Test
    void unmatchedSourcesAreThoseThatExcludedNothingAndAreNoPileSource() {
        ProvenanceRules rules = new ProvenanceRules(Set.of("Book3", "MY FORUM", "enron emails", "Other"), Set.of(),
                new WorkMatcher(List.of()));
        ContentHash h = ContentHash.of("x");
        Exclusion forum = rules.check(new Provenance("My Forum", "unknown", h, "f:1"), "x").orElseThrow();
        Exclusion licence = new Exclusion(new Provenance("Other", "GPL", h, "f:2"), ExclusionRule.LICENCE, "GPL");
        assertEquals(List.of("Book3", "Other"), rules.unmatchedSources(List.of(forum, licence)));
        assertEquals(List.of(), ProvenanceRules.none().unmatchedSources(List.of(forum)));
        assertTrue(PileSources.isPileSource("books3") && PileSources.isPileSource("Gutenberg (PG-19)"));
        assertEquals(22, PileSources.NAMES.size());
    }
}
