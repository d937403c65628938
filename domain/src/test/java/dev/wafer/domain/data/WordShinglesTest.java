package dev.wafer.domain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The shingle hashes are a stored format (fingerprint files, audit indexes), so the fast paths of
 * {@link WordShingles} must give exactly the hashes of the plain definition: per code point, letters and digits
 * case-folded ({@link WordFold}) into FNV-1a, apostrophes inside words dropped, combining marks and format characters
 * (Cf) skipped, anything else a separator; each run of n word hashes combined and mixed. Seeded random text over
 * ASCII and the Unicode cases.
 */
class WordShinglesTest {
    private static final String[] PARTS = {"word", "Word", "WORD", "don't", "it\u2019s", "'", "''", " ", "\n", ".",
        ",", "42", "x7", "caf\u00e9", "cafe\u0301", "\u00C9T\u00C9", "\u4E2D\u6587", "\uD835\uDC00", "\uD800", "_",
        "-", "\u0663", "&amp;", "\t", "\u0000", "Z",
        "stra\u00dfe", "STRASSE", "\u1e9e", "\u03a3", "\u03c3", "\u03c2", "\ufb01", "\u0390", "\u1fb3", "\u0130",
        "\u0131", "\u00ad", "\u200b", "\u200d", "\u2060", "\ufeff", "\udb40\udc01"};

    @Test
    void hashesMatchThePlainDefinition() {
        long seed = 99L;
        Random random = new Random(seed);
        for (int n : new int[] {1, 3, 5}) {
            WordShingles shingles = new WordShingles(n);
            for (int round = 0; round < 2000; round++) {
                StringBuilder b = new StringBuilder();
                int parts = random.nextInt(40);
                for (int i = 0; i < parts; i++) {
                    b.append(PARTS[random.nextInt(PARTS.length)]);
                    if (random.nextBoolean()) {
                        b.append(' ');
                    }
                }
                String text = b.toString();
                assertArrayEquals(reference(text, n), shingles.distinct(text),
                        "seed " + seed + ", n " + n + ", round " + round + ": " + text);
            }
        }
    }

    /** The definition, written plainly: per code point, with modular ring arithmetic. */
    private static long[] reference(String text, int n) {
        long[] words = new long[text.length() + 1];
        int count = 0;
        long h = 0xcbf29ce484222325L;
        boolean inWord = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetterOrDigit(cp)) {
                for (int folded : WordFold.of(cp)) {
                    h = (h ^ folded) * 0x100000001b3L;
                }
                inWord = true;
            } else if (inWord && (cp == '\'' || cp == '\u2019')) {
                continue;
            } else if (Character.getType(cp) == Character.NON_SPACING_MARK
                    || Character.getType(cp) == Character.FORMAT) {
                continue;
            } else if (inWord) {
                words[count++] = h;
                h = 0xcbf29ce484222325L;
                inWord = false;
            }
        }
        if (inWord) {
            words[count++] = h;
        }
        long[] out = new long[Math.max(0, count - n + 1)];
        for (int s = 0; s + n <= count; s++) {
            long c = 0;
            for (int j = 0; j < n; j++) {
                c = c * 0x9E3779B97F4A7C15L + words[s + j];
            }
            out[s] = WordShingles.mix(c ^ n);
        }
        return Arrays.stream(out).sorted().distinct().toArray();
    }
}
