package dev.wafer.formats.data;

/**
 * GPT-2's pre-tokenisation (the r50k pattern {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|
 * \s+(?!\S)|\s+} as jtokkit compiles it, with Unicode character classes) written as a scanner: it finds the same
 * pieces as the regular expression without a matcher, so BPE runs on pieces and repeated pieces can be cached.
 * {@code \p{L}} and {@code \p{N}} are the Unicode general categories, {@code \s} is the Unicode White_Space property
 * as {@link java.util.regex.Pattern} defines it; an unpaired surrogate counts as neither letter, number nor space.
 */
final class R50kSplitter {
    private static final int SPACE = 0;
    private static final int LETTER = 1;
    private static final int NUMBER = 2;
    private static final int OTHER = 3;
    private static final int LETTER_TYPES = (1 << Character.UPPERCASE_LETTER) | (1 << Character.LOWERCASE_LETTER)
            | (1 << Character.TITLECASE_LETTER) | (1 << Character.MODIFIER_LETTER) | (1 << Character.OTHER_LETTER);
    private static final int NUMBER_TYPES = (1 << Character.DECIMAL_DIGIT_NUMBER) | (1 << Character.LETTER_NUMBER)
            | (1 << Character.OTHER_NUMBER);
    private static final int SPACE_TYPES = (1 << Character.SPACE_SEPARATOR) | (1 << Character.LINE_SEPARATOR)
            | (1 << Character.PARAGRAPH_SEPARATOR);
    /** Classes of the ASCII characters, so that the common case needs no Unicode table. */
    private static final byte[] ASCII = new byte[128];

    static {
        for (int c = 0; c < 128; c++) {
            ASCII[c] = (byte) classifySlow(c);
        }
    }

    private R50kSplitter() {
    }

    /**
     * The end (exclusive) of the piece that starts at {@code from} in {@code text[from, end)}.
     *
     * @param from a piece start, below {@code end}
     */
    static int pieceEnd(String text, int from, int end) {
        char c = text.charAt(from);
        if (c == '\'' && from + 1 < end) {
            char d = text.charAt(from + 1);
            if (d == 's' || d == 'd' || d == 'm' || d == 't') {
                return from + 2;
            }
            if (from + 2 < end) {
                char e = text.charAt(from + 2);
                if ((d == 'l' && e == 'l') || (d == 'v' && e == 'e') || (d == 'r' && e == 'e')) {
                    return from + 3;
                }
            }
        }
        int start = from;
        if (c == ' ' && from + 1 < end) {
            int next = classAt(text, from + 1, end);
            if (next != SPACE) {
                return run(text, from + 1, end, next);
            }
        }
        int cls = classAt(text, start, end);
        if (cls != SPACE) {
            return run(text, start, end, cls);
        }
        // \s+(?!\S) then \s+: a whitespace run at the end is one piece; one followed by other text leaves its last
        // character to that text's piece (a single character stays a piece of its own). White_Space is all BMP.
        int k = start + 1;
        while (k < end && classAt(text, k, end) == SPACE) {
            k++;
        }
        if (k == end || k - start == 1) {
            return k;
        }
        return k - 1;
    }

    /** End of the run of class {@code cls} that starts at {@code i}. */
    private static int run(String text, int i, int end, int cls) {
        while (i < end) {
            char c = text.charAt(i);
            if (c < 128) {
                if (ASCII[c] != cls) {
                    return i;
                }
                i++;
            } else {
                int cp = codePointAt(text, i, end);
                if (classifySlow(cp) != cls) {
                    return i;
                }
                i += Character.charCount(cp);
            }
        }
        return i;
    }

    private static int classAt(String text, int i, int end) {
        char c = text.charAt(i);
        return c < 128 ? ASCII[c] : classifySlow(codePointAt(text, i, end));
    }

    private static int codePointAt(String text, int i, int end) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < end) {
            char d = text.charAt(i + 1);
            if (Character.isLowSurrogate(d)) {
                return Character.toCodePoint(c, d);
            }
        }
        return c;
    }

    private static int classifySlow(int cp) {
        int type = Character.getType(cp);
        if (((LETTER_TYPES >> type) & 1) != 0) {
            return LETTER;
        }
        if (((NUMBER_TYPES >> type) & 1) != 0) {
            return NUMBER;
        }
        if (((SPACE_TYPES >> type) & 1) != 0 || (cp >= 0x9 && cp <= 0xd) || cp == 0x85) {
            return SPACE;
        }
        return OTHER;
    }
}
