package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.Test;

/**
 * The hand-written GPT-2 pre-tokeniser finds exactly the pieces of the r50k regular expression (compiled as jtokkit
 * compiles it), and the cached tokenizer with its own merge ({@link R50kBpe}) gives jtokkit's ids, on seeded random text built from the characters
 * where the classes disagree most easily: contractions, every kind of Unicode space, letters and numbers outside
 * ASCII, combining marks, surrogate pairs and unpaired surrogates.
 */
class R50kSplitterTest {
    private static final Pattern R50K = Pattern.compile(
            "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);
    private static final String[] ALPHABET = {
        " ", " ", " ", "  ", "\n", "\n\n", "\t", "\r\n", "\u000B", "\u000C", "\u001C", "\u0085", "\u00A0", "\u2028",
        "\u3000", "\u200B", "'", "'s", "'ll", "'ve", "'re", "'d", "'m", "'t", "'x", "s", "l", "ve", "word", "Hello",
        "x", "7", "42", "2026", "\u0663", "\u216B", "\u00BD", "\u00E9", "e\u0301", "\u00DF", "\u4E2D\u6587",
        "\uD83D\uDE00", "\uD800", "\uDC00", ".", "!=", "{", "});", "//", "=", "->", "\"", "#", "_", "$", "--"};

    @Test
    void piecesMatchTheRegularExpression() {
        long seed = 20261130L;
        Random random = new Random(seed);
        for (int round = 0; round < 3000; round++) {
            String text = randomText(random);
            assertEquals(regexPieces(text), scannerPieces(text), "seed " + seed + ", round " + round + ", text "
                    + escaped(text));
        }
    }

    @Test
    void idsMatchJtokkitOnWholeText() {
        Encoding reference = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
        GptTokenizer tokenizer = new GptTokenizer();
        long seed = 7L;
        Random random = new Random(seed);
        for (int round = 0; round < 2000; round++) {
            String text = randomText(random);
            assertArrayEquals(reference.encodeOrdinary(text).toArray(), tokenizer.encode(text),
                    "seed " + seed + ", round " + round + ", text " + escaped(text));
        }
        String longRun = "=".repeat(BpePieceCache.MAX_PIECE * 3) + " " + "a".repeat(500);
        assertArrayEquals(reference.encodeOrdinary(longRun).toArray(), tokenizer.encode(longRun));
    }

    @Test
    void bpeOfUnseenPiecesMatchesJtokkit() {
        Encoding reference = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
        GptTokenizer tokenizer = new GptTokenizer();
        long seed = 11L;
        Random random = new Random(seed);
        String letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;(){}=+-*/_\n\t\u00e9\u00fc\u4e2d"
                + "\u0416\u03b1";
        for (int round = 0; round < 3000; round++) {
            StringBuilder b = new StringBuilder();
            int n = 1 + random.nextInt(round % 10 == 0 ? 2000 : 80);
            for (int i = 0; i < n; i++) {
                b.append(letters.charAt(random.nextInt(letters.length())));
            }
            String text = b.toString();
            assertArrayEquals(reference.encodeOrdinary(text).toArray(), tokenizer.encode(text),
                    "seed " + seed + ", round " + round + ", text " + escaped(text));
        }
    }

    private static String randomText(Random random) {
        StringBuilder b = new StringBuilder();
        int parts = 1 + random.nextInt(25);
        for (int i = 0; i < parts; i++) {
            b.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return b.toString();
    }

    private static List<String> regexPieces(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = R50K.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static List<String> scannerPieces(String text) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < text.length(); ) {
            int end = R50kSplitter.pieceEnd(text, i, text.length());
            out.add(text.substring(i, end));
            i = end;
        }
        return out;
    }

    private static String escaped(String text) {
        StringBuilder b = new StringBuilder();
        text.chars().forEach(c -> b.append(c < 128 && c >= 32 ? String.valueOf((char) c) : String.format("\\u%04X", c)));
        return b.toString();
    }
}
