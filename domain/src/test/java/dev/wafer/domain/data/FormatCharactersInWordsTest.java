package dev.wafer.domain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Invisible format characters (category Cf: soft hyphen U+00AD, zero-width space U+200B, ZWNJ, ZWJ, word joiner
 * U+2060, byte order mark U+FEFF, ...) inside a word neither end it nor start one, in both word rules (the fold of
 * fingerprints, {@code --exclude-work} and {@code --dedup near}, and the audit's {@link WordShingles#letterwise}), as
 * combining marks do not: a text with them has the words it shows. Until 2026-12-07 each split its word, so a work
 * with a soft hyphen in 1 word of 10 escaped {@code --exclude-work}, {@code --dedup near} and {@code data audit}.
 * The set skipped is CPython's Cf ({@code format.txt}, written by {@code make_format.py} beside it). Seeded text:
 * seed {@value #SEED}.
 */
class FormatCharactersInWordsTest {
    private static final long SEED = 5L;
    private static final String[] FORMAT = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
        "\udb40\udc01"};
    private static final TextNormaliser NORMALISER = new TextNormaliser();

    /** The probe's work: 400 words of 3 to 9 letters drawn from 3000, seeded. */
    static List<String> words(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String letters = "abcdefghijklmnoprstuvw";
        List<String> vocabulary = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            StringBuilder w = new StringBuilder();
            for (int k = 3 + random.nextInt(7); k > 0; k--) {
                w.append(letters.charAt(random.nextInt(letters.length())));
            }
            vocabulary.add(w.toString());
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            out.add(vocabulary.get(random.nextInt(vocabulary.size())));
        }
        return out;
    }

    /** Every {@code every}-th word with {@code mark} after its second letter. */
    static String marked(List<String> words, String mark, int every) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            b.append(i == 0 ? "" : " ").append(i % every == 0 ? w.substring(0, 2) + mark + w.substring(2) : w);
        }
        return b.toString();
    }

    private static List<WordShingles> rules(int n) {
        return List.of(new WordShingles(n), WordShingles.letterwise(n));
    }

    @Test
    void aFormatCharacterInsideOrBesideAWordLeavesItsWords() {
        String plain = "the quick brown fox jumps over the lazy dog";
        for (String f : FORMAT) {
            for (String text : List.of(plain.replace("quick", "qu" + f + "ick"), plain.replace(" ", " " + f),
                    plain.replace(" ", f + " "), f + plain + f, plain.replace("o", "o" + f + f))) {
                for (WordShingles rule : rules(3)) {
                    assertArrayEquals(rule.distinct(plain), rule.distinct(NORMALISER.normalise(text)),
                            "U+" + Integer.toHexString(f.codePointAt(0)) + " in " + text);
                }
                assertEquals(9, WordShingles.countWords(text), text);
            }
        }
        // A format character is no separator, but the separators still are.
        assertEquals(2, WordShingles.countWords("ab\u00ad cd"));
        assertEquals(0, WordShingles.countWords("\u200b \u00ad"), "nor a word of its own");
    }

    /** The probe's repro: a soft hyphen in 1 word of 10, or a zero-width space in every word, has the work's words. */
    @Test
    void theProbesWorkWithInvisibleHyphensHasTheWorksShinglesInBothRules() {
        List<String> words = words(SEED);
        String work = String.join(" ", words);
        for (String copy : List.of(marked(words, "\u00ad", 10), marked(words, "\u200b", 1),
                marked(words, "\u200d", 1))) {
            String normalised = NORMALISER.normalise(copy);
            for (int n : new int[] {5, 8, 10}) {
                for (WordShingles rule : rules(n)) {
                    assertArrayEquals(rule.distinct(work), rule.distinct(normalised), "seed " + SEED + ", n " + n);
                }
            }
            WorkMatcher matcher = new WorkMatcher(List.of(WorkFingerprint.of("work.txt", work)));
            assertTrue(matcher.match(normalised).isPresent(), "seed " + SEED + ": excluded as the work");
        }
    }

    /** The word rule skips exactly CPython's Cf (where this Python's Unicode assigns the code point). */
    @Test
    void theCharactersSkippedAreCPythonsFormatCharacters() throws IOException {
        BitSet cf = new BitSet(0x110000);
        BitSet unassigned = new BitSet(0x110000);
        try (InputStream in = FormatCharactersInWordsTest.class.getResourceAsStream("format.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
                String[] f = line.split(" ");
                BitSet into = f[0].equals("cf") ? cf : f[0].equals("unassigned") ? unassigned : null;
                for (int i = 1; into != null && i < f.length; i++) {
                    String[] ends = f[i].split("-");
                    into.set(Integer.parseInt(ends[0], 16), Integer.parseInt(ends[1], 16) + 1);
                }
            }
        }
        assertTrue(cf.get(0xad) && cf.get(0x200b) && cf.get(0xfeff) && cf.cardinality() > 150, cf.toString());
        WordShingles one = new WordShingles(1);
        long[] joined = one.distinct("abcd");
        int skipped = 0;
        for (int cp = 0x80; cp <= Character.MAX_CODE_POINT; cp++) {
            int type = Character.getType(cp);
            if (unassigned.get(cp) || type == Character.NON_SPACING_MARK || type == Character.SURROGATE
                    || cp == '\u2019' || Character.isLetterOrDigit(cp)) {
                continue; // assigned only in a newer Unicode, skipped as marks, half a pair, an apostrophe, a letter
            }
            String text = new StringBuilder("ab").appendCodePoint(cp).append("cd").toString();
            boolean skips = java.util.Arrays.equals(joined, one.distinct(text));
            assertEquals(cf.get(cp), skips, "U+" + Integer.toHexString(cp) + " (Java type " + type + ")");
            skipped += skips ? 1 : 0;
        }
        assertEquals(cf.cardinality(), skipped);
    }
}
