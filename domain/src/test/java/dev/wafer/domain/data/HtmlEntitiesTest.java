package dev.wafer.domain.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class HtmlEntitiesTest {
    private static final long SEED = 20261208L;
    private static final String[] PIECES = {
        "&", "&", "&", ";", ";", "#", "#x", "#X", "amp", "lt", "eacute", "thinsp", "frac12", "mdash", "bogus",
        "1", "23", "8217", "E9", "x", "a", "Z", "0", " ", "1114111", "10FFFF", "110000", "D800", "&&", ";;",
    };

    @Test
    void decodesAsTheUnboundedSearchDidOnRandomText() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int c = 0; c < 20_000; c++) {
            StringBuilder text = new StringBuilder();
            int pieces = random.nextInt(1, 40);
            for (int i = 0; i < pieces; i++) {
                text.append(PIECES[random.nextInt(PIECES.length)]);
            }
            String s = text.toString();
            assertEquals(referenceDecode(s), HtmlEntities.decode(s), "seed " + SEED + ", case " + c + ": " + s);
        }
    }

    @Test
    void referencesAtTheLengthLimitAndJustPastItAreTreatedAsBefore() {
        for (String s : new String[] {"&#0001114111;", "&#00001114111;", "&#x0010FFFF;", "&#x00010FFFF;",
            "a & b &amp; c", "&", "&;", "x&", "&amp", "&#;", "&#x;", "& & & &amp;", "&&&&&&&&&&&&amp;"}) {
            assertEquals(referenceDecode(s), HtmlEntities.decode(s), s);
        }
    }

    @Test
    void manyAmpersandsAndNoSemicolonAreLeftAsWritten() {
        String s = " & ".repeat(100_000) + "&eacute;";
        assertEquals(" & ".repeat(100_000) + "\u00e9", HtmlEntities.decode(s));
    }

    /** The decoder before the search for ';' was bounded (it looked to the end of the text after every '&'). */
    private static String referenceDecode(String text) {
        int amp = text.indexOf('&');
        if (amp < 0 || HtmlEntities.looksLikeMarkup(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        while (amp >= 0) {
            int semi = text.indexOf(';', amp + 1);
            int codePoint = -1;
            if (semi > amp + 1 && semi - amp - 1 <= 8 + 2) {
                codePoint = HtmlEntities.resolve(text, amp + 1, semi);
            }
            if (codePoint >= 0) {
                out.append(text, copied, amp).appendCodePoint(codePoint);
                copied = semi + 1;
                amp = text.indexOf('&', copied);
            } else {
                amp = text.indexOf('&', amp + 1);
            }
        }
        return out.append(text, copied, text.length()).toString();
    }
}
