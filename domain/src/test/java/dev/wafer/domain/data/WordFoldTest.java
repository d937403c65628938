package dev.wafer.domain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/**
 * {@link WordFold}'s table against its definition (recomputed from the JDK's case mappings for every code point) and
 * against CPython's {@code casefold()}, {@code upper()} and {@code lower()} of every letter and digit, in
 * {@code casefold.txt} (written by {@code make_casefold.py} beside it).
 */
class WordFoldTest {
    /**
     * Lower-case letters whose capital has no precomposed form: their upper case, as NFC text has it, is a capital
     * and a combining mark, which the word rule skips; so they fold as that capital does, not to themselves as
     * CPython's casefold has them.
     */
    private static final Set<Integer> NO_PRECOMPOSED_CAPITAL = Set.of(0x01F0, 0x0390, 0x03B0, 0x1E96, 0x1E97, 0x1E98,
            0x1E99, 0x1F50, 0x1F52, 0x1F54, 0x1F56, 0x1FB6, 0x1FB7, 0x1FC6, 0x1FC7, 0x1FD2, 0x1FD3, 0x1FD6, 0x1FD7,
            0x1FE2, 0x1FE3, 0x1FE4, 0x1FE6, 0x1FE7, 0x1FF6, 0x1FF7);
    private static final int DOTLESS_I = 0x0131;

    private record Row(int cp, String casefold, String upper, String lower) {
    }

    @Test
    void theTableIsTheDefinition() {
        int special = 0;
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (Character.isLetterOrDigit(cp)) {
                int[] expected = definition(cp);
                int at = cp;
                assertArrayEquals(expected, WordFold.of(cp), () -> "U+" + Integer.toHexString(at)
                        + ": the table in WordFold is not the definition (a JDK with other case mappings?)");
                special += WordFold.isSpecial(cp) ? 1 : 0;
            } else {
                assertFalse(WordFold.isSpecial(cp), "U+" + Integer.toHexString(cp));
            }
        }
        assertEquals(139, special);
        assertEquals("ss", fold("ß"));
        assertEquals(fold("σ"), fold("ς"));
        assertEquals(fold("σ"), fold("Σ"));
        assertEquals("ss", fold("ẞ"));
        assertEquals("fi", fold("ﬁ"));
    }

    @Test
    void aLetterFoldsAsCPythonsCasefoldExceptWhereItsUpperCaseWouldNot() throws IOException {
        BitSet unassigned = unassigned();
        int compared = 0;
        int cherokee = 0;
        int singletons = 0;
        for (Row row : rows()) {
            if (unassigned.get(row.cp) || !Character.isLetterOrDigit(row.cp)) {
                continue; // a letter this Python or this JDK does not know
            }
            String self = new String(Character.toChars(row.cp));
            String expected = fold(nfcIfChanged(self, row.casefold));
            String actual = fold(self);
            if (Character.UnicodeScript.of(row.cp) == Character.UnicodeScript.CHEROKEE) {
                // CPython folds Cherokee to upper case, the fold to lower case: the same letters fall together
                assertEquals(expected, actual, self);
                cherokee++;
            } else if (NO_PRECOMPOSED_CAPITAL.contains(row.cp) || row.cp == DOTLESS_I) {
                assertEquals(fold(nfcIfChanged(self, row.upper)), actual, self);
                assertTrue(row.cp == DOTLESS_I || nfcIfChanged(self, row.upper).codePoints().anyMatch(c ->
                        Character.getType(c) == Character.NON_SPACING_MARK), self);
            } else if (!Normalizer.isNormalized(self, Normalizer.Form.NFC)) {
                // NFC never leaves it in text (Kelvin and Ohm signs, Greek letters with oxia): it folds as what NFC
                // makes of it, which for 7 letters with oxia is not what CPython's casefold keeps (themselves)
                singletons++;
                assertEquals(fold(Normalizer.normalize(self, Normalizer.Form.NFC)), actual, self);
            } else {
                assertEquals(codePoints(expected), codePoints(actual), "U+" + Integer.toHexString(row.cp));
            }
            compared++;
        }
        assertTrue(compared > 2800, "compared " + compared);
        assertEquals(172, cherokee);
        assertEquals(18, singletons);
    }

    @Test
    void aLetterItsUpperCaseLowerCaseAndCasefoldAreTheSameWord() throws IOException {
        BitSet unassigned = unassigned();
        for (Row row : rows()) {
            if (unassigned.get(row.cp) || !Character.isLetterOrDigit(row.cp)) {
                continue;
            }
            String self = Normalizer.normalize(new String(Character.toChars(row.cp)), Normalizer.Form.NFC);
            String word = fold(self);
            for (String other : List.of(row.upper, row.lower, row.casefold)) {
                assertEquals(word, fold(nfcIfChanged(self, other)),
                        "U+" + Integer.toHexString(row.cp) + " against " + codePoints(other));
            }
        }
    }

    /** The fold by its definition, with strings: see {@link WordFold}. */
    static int[] definition(int cp) {
        int[] fold = {cp};
        for (int round = 0; round < 8; round++) {
            StringBuilder next = new StringBuilder();
            for (int c : fold) {
                unmarked(caseMapped(c, true)).forEach(u -> unmarked(caseMapped(u, false))
                        .forEach(l -> next.appendCodePoint(l == 'ς' ? 'σ' : l)));
            }
            int[] folded = next.codePoints().toArray();
            if (Arrays.equals(folded, fold)) {
                return fold;
            }
            fold = folded;
        }
        throw new AssertionError("the fold of U+" + Integer.toHexString(cp) + " does not settle");
    }

    /** Upper or lower case as NFC text has it. */
    private static String caseMapped(int cp, boolean upper) {
        String s = new String(Character.toChars(cp));
        return nfcIfChanged(s, upper ? s.toUpperCase(Locale.ROOT) : s.toLowerCase(Locale.ROOT));
    }

    private static String nfcIfChanged(String original, String mapped) {
        return mapped.equals(original) ? mapped : Normalizer.normalize(mapped, Normalizer.Form.NFC);
    }

    private static IntStream unmarked(String s) {
        return s.codePoints().filter(c -> Character.getType(c) != Character.NON_SPACING_MARK);
    }

    /** The folded code points of a word, combining marks skipped as the word rule skips them. */
    private static String fold(String word) {
        StringBuilder b = new StringBuilder();
        unmarked(word).forEach(cp -> {
            assertTrue(Character.isLetterOrDigit(cp), "not a letter: U+" + Integer.toHexString(cp));
            for (int f : WordFold.of(cp)) {
                b.appendCodePoint(f);
            }
        });
        return b.toString();
    }

    private static String codePoints(String s) {
        return s.codePoints().mapToObj(c -> String.format("%04x", c)).toList().toString();
    }

    private static List<String> raw() throws IOException {
        try (InputStream in = WordFoldTest.class.getResourceAsStream("casefold.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#")).toList();
        }
    }

    private static List<Row> rows() throws IOException {
        List<Row> rows = raw().stream().filter(l -> !l.startsWith("unassigned ")).map(l -> {
            String[] f = l.split(";", -1);
            return new Row(Integer.parseInt(f[0], 16), decode(f[1]), decode(f[2]), decode(f[3]));
        }).toList();
        assertTrue(rows.size() > 2800, "rows " + rows.size());
        return rows;
    }

    private static String decode(String hex) {
        StringBuilder sb = new StringBuilder();
        for (String h : hex.trim().split(" ")) {
            sb.appendCodePoint(Integer.parseInt(h, 16));
        }
        return sb.toString();
    }

    /** Code points this Python's Unicode does not assign (a newer Java may know them). */
    private static BitSet unassigned() throws IOException {
        BitSet out = new BitSet(0x110000);
        for (String l : raw()) {
            if (l.startsWith("unassigned ")) {
                for (String r : l.substring(11).split(" ")) {
                    String[] ends = r.split("-");
                    out.set(Integer.parseInt(ends[0], 16), Integer.parseInt(ends[1], 16) + 1);
                }
            }
        }
        return out;
    }
}
