package dev.wafer.domain.eval;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Python 3 {@code str} semantics the harness's task code relies on, where Java's differ: which characters
 * {@code strip()} removes, what {@code .} matches in {@code re}, {@code capitalize()}'s full case mapping and
 * {@code len} in code points. Checked code point by code point against CPython ({@code python-strings.txt}).
 */
public final class PythonStrings {
    /**
     * Characters whose title case is several characters (SpecialCasing.txt), as {@code str.capitalize} gives them since
     * Python 3.8: each string is the character followed by its title case. {@link Character#toTitleCase(int)} maps
     * every other character as Python does.
     */
    private static final String[] FULL_TITLE_CASE = {
            "\u00DF\u0053\u0073", "\u0149\u02BC\u004E", "\u01F0\u004A\u030C", "\u0390\u0399\u0308\u0301", "\u03B0\u03A5\u0308\u0301", "\u0587\u0535\u0582",
            "\u1E96\u0048\u0331", "\u1E97\u0054\u0308", "\u1E98\u0057\u030A", "\u1E99\u0059\u030A", "\u1E9A\u0041\u02BE", "\u1F50\u03A5\u0313",
            "\u1F52\u03A5\u0313\u0300", "\u1F54\u03A5\u0313\u0301", "\u1F56\u03A5\u0313\u0342", "\u1FB2\u1FBA\u0345", "\u1FB4\u0386\u0345", "\u1FB6\u0391\u0342",
            "\u1FB7\u0391\u0342\u0345", "\u1FC2\u1FCA\u0345", "\u1FC4\u0389\u0345", "\u1FC6\u0397\u0342", "\u1FC7\u0397\u0342\u0345", "\u1FD2\u0399\u0308\u0300",
            "\u1FD3\u0399\u0308\u0301", "\u1FD6\u0399\u0342", "\u1FD7\u0399\u0308\u0342", "\u1FE2\u03A5\u0308\u0300", "\u1FE3\u03A5\u0308\u0301", "\u1FE4\u03A1\u0313",
            "\u1FE6\u03A5\u0342", "\u1FE7\u03A5\u0308\u0342", "\u1FF2\u1FFA\u0345", "\u1FF4\u038F\u0345", "\u1FF6\u03A9\u0342", "\u1FF7\u03A9\u0342\u0345",
            "\uFB00\u0046\u0066", "\uFB01\u0046\u0069", "\uFB02\u0046\u006C", "\uFB03\u0046\u0066\u0069", "\uFB04\u0046\u0066\u006C", "\uFB05\u0053\u0074",
            "\uFB06\u0053\u0074", "\uFB13\u0544\u0576", "\uFB14\u0544\u0565", "\uFB15\u0544\u056B", "\uFB16\u054E\u0576", "\uFB17\u0544\u056D",
    };
    private static final Map<Character, String> TITLE = new HashMap<>();

    static {
        for (String e : FULL_TITLE_CASE) {
            TITLE.put(e.charAt(0), e.substring(1));
        }
    }

    private PythonStrings() {
    }

    /**
     * Python's {@code str.isspace()} for one character: bidi class WS, B or S, or category Zs. Unlike
     * {@link Character#isWhitespace(int)} it includes U+00A0, U+2007, U+202F and U+0085, and unlike
     * {@link String#strip()} too.
     */
    public static boolean isSpace(int cp) {
        return switch (cp) {
            case '\t', '\n', 0x0B, '\f', '\r', 0x1C, 0x1D, 0x1E, 0x1F, ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F,
                 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    /** {@code s.strip()} with no argument: leading and trailing {@link #isSpace} characters removed. */
    public static String strip(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isSpace(s.charAt(from))) {
            from++;
        }
        while (to > from && isSpace(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    /**
     * {@code s.capitalize()} (Python 3.8+): the first character title-cased with the full mapping ({@code "ﬁ"} gives
     * {@code "Fi"}, {@code "ß"} {@code "Ss"}), the rest lower-cased with the full mapping and the whole string as
     * context (a final sigma is {@code ς}).
     */
    public static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        String head = new String(Character.toChars(first));
        // Lower-casing the whole string keeps the first character as the context of the second (final sigma);
        // the first character's own lower case never depends on what follows it in the root locale.
        String lower = s.toLowerCase(Locale.ROOT);
        String headLower = head.toLowerCase(Locale.ROOT);
        String title = TITLE.get(s.charAt(0));
        if (title == null) {
            title = new String(Character.toChars(Character.toTitleCase(first)));
        }
        return title + lower.substring(headLower.length());
    }

    /** A Python {@code re} pattern: {@code .} matches any character but {@code \n} (Java's also refuses \r, U+0085, U+2028, U+2029). */
    public static Pattern pattern(String regex) {
        return Pattern.compile(regex, Pattern.UNIX_LINES);
    }

    /**
     * {@code int(s)} for a string, where it fits a Java int: surrounding {@link #isSpace} characters, an optional sign,
     * then decimal digits of any script ({@code "٢"} is 2), single underscores allowed between digits.
     *
     * @return the value, or empty where Python raises ValueError or the value does not fit an int
     */
    public static java.util.OptionalInt parseInt(String s) {
        String t = strip(s);
        int i = 0;
        boolean negative = false;
        if (!t.isEmpty() && (t.charAt(0) == '+' || t.charAt(0) == '-')) {
            negative = t.charAt(0) == '-';
            i = 1;
        }
        long value = 0;
        boolean digitBefore = false;
        for (; i < t.length(); i += Character.charCount(t.codePointAt(i))) {
            int cp = t.codePointAt(i);
            if (cp == '_' && digitBefore && i + 1 < t.length() && t.charAt(i + 1) != '_') {
                digitBefore = false;
                continue;
            }
            if (Character.getType(cp) != Character.DECIMAL_DIGIT_NUMBER) {
                return java.util.OptionalInt.empty();
            }
            value = value * 10 + Character.digit(cp, 10);
            if (value > (long) Integer.MAX_VALUE + 1) {
                return java.util.OptionalInt.empty();
            }
            digitBefore = true;
        }
        if (!digitBefore) {
            return java.util.OptionalInt.empty(); // empty, a bare sign, or a trailing underscore
        }
        long signed = negative ? -value : value;
        return signed < Integer.MIN_VALUE || signed > Integer.MAX_VALUE ? java.util.OptionalInt.empty()
                : java.util.OptionalInt.of((int) signed);
    }

    /** {@code len(s)}: code points, not UTF-16 units. */
    public static int len(String s) {
        return s.codePointCount(0, s.length());
    }
}
