package dev.wafer.domain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

/**
 * An upper-cased copy of a Greek or German text has the text's words (σ and ς, ß and SS): the same shingles for
 * near deduplication (Jaccard 1.0) and a fingerprint of the text excludes the copy. Until 2026-12-08 words were
 * lower-cased one code point at a time, and the Greek copy shared 1% of its 5-word shingles; the membership audit
 * still does that (why: {@link WordShingles#letterwise}).
 */
class CaseFoldedCopiesTest {
    /** A Greek text with final sigmas in almost every other word. */
    static final String GREEK = "Ο άνθρωπος είναι ένας μικρός κόσμος και ο κόσμος είναι ένας μεγάλος άνθρωπος που ζει "
            + "στους δρόμους της πόλης όπως ο ποταμός που τρέχει προς τις θάλασσες του νότου και οι φίλοι μας "
            + "περπατούν στους κήπους της χώρας με τους γέρους ψαράδες και τους νέους ναύτες που ονειρεύονται "
            + "μακρινούς τόπους και χρυσούς ήλιους";
    /** A German text with ß in many words. */
    static final String GERMAN = "Die große Straße führt aus der Stadt hinaus, und wer sie bei Regen entlanggeht, weiß "
            + "bloß, dass die Füße nass werden. Draußen vor dem Tor grüßt der alte Mann jeden, der vorbeikommt, mit "
            + "einem Gruß und einem Maß Bier, denn er heißt alle willkommen. Schließlich genießt man die süße Luft, "
            + "die Blumen sprießen am Fluss, und die Kinder spielen Fußball, bis man sie nach Hause ruft und beißt "
            + "in das Brot, das der Bäcker gebacken hat.";

    private final TextNormaliser normaliser = new TextNormaliser();

    @Test
    void anUpperCasedCopyHasTheSameShingles() {
        for (String text : List.of(GREEK, GERMAN)) {
            String upper = normaliser.normalise(text.toUpperCase(Locale.ROOT));
            for (int n : new int[] {1, 5, 10}) {
                WordShingles shingles = new WordShingles(n);
                long[] original = shingles.distinct(normaliser.normalise(text));
                assertTrue(original.length > 20, text);
                assertArrayEquals(original, shingles.distinct(upper), "n " + n + ": " + upper);
            }
            assertEquals(WordShingles.countWords(text), WordShingles.countWords(upper));
        }
    }

    @Test
    void aFingerprintOfTheTextExcludesItsUpperCasedCopy() {
        for (String text : List.of(GREEK, GERMAN)) {
            WorkMatcher matcher = new WorkMatcher(List.of(WorkFingerprint.of("work", normaliser.normalise(text))));
            String document = "Preface. " + normaliser.normalise(text.toUpperCase(Locale.ROOT)) + " The end.";
            assertTrue(matcher.match(document).isPresent(), document);
        }
    }

    /**
     * The audit's index and queries keep lower-casing one letter at a time ({@link WordShingles#letterwise}), so
     * that the index of every dataset prepared before 2026-12-08, the embedded sample's included, still answers
     * rightly: the German text's words with ß are other words there than its upper-cased copy's, and an upper-cased
     * copy of text without such letters is found as before.
     */
    @Test
    void theAuditKeepsTheLetterwiseRule() {
        WordShingles letterwise = WordShingles.letterwise(MembershipAudit.SHINGLE_WORDS);
        String upper = normaliser.normalise(GERMAN.toUpperCase(Locale.ROOT));
        assertFalse(java.util.Arrays.equals(letterwise.distinct(normaliser.normalise(GERMAN)),
                letterwise.distinct(upper)));
        String english = "The committee met on a cold morning in the old town hall and agreed, after a long and"
                + " careful debate about roads, schools and the river, to publish every record it had kept. Nobody"
                + " expected the vote to pass so quickly, yet by noon the clerk had copied the minutes twice and sent"
                + " them to the printer across the square.";
        ShingleTable.Builder b = new ShingleTable.Builder();
        for (long s : letterwise.distinct(normaliser.normalise(english))) {
            b.add(s, 0);
        }
        MembershipAudit audit = new MembershipAudit(b.build());
        MembershipAudit.Result r = audit.audit(normaliser.normalise(english.toUpperCase(Locale.ROOT)));
        assertTrue(r.member());
        assertEquals(0, r.documents().get(0).documentId());
    }
}
