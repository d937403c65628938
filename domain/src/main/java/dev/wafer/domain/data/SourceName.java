package dev.wafer.domain.data;

import java.util.Locale;

/**
 * How a corpus's source name (a {@code pile_set_name}) is compared and printed. Metadata may carry characters that
 * are invisible or look like a space: compared as given, {@code "\u200bBooks3"} or {@code "\u00a0Books3"} escaped
 * {@code --exclude-source Books3}, and printed as given its table row looked exactly like Books3's (or, with an
 * ESC or a right-to-left override, recoloured or reordered the terminal).
 */
public final class SourceName {
    private SourceName() {
    }

    /**
     * The form in which source names compare: without control characters (NUL, DEL, C1, ESC) and format characters
     * (zero-width space, byte order mark, bidirectional overrides), every Unicode space or separator taken for white
     * space (no-break, ideographic, line and paragraph separators), without surrounding white space, lower case.
     *
     * @param source a source name
     * @return the name's comparison key
     */
    public static String key(String source) {
        StringBuilder b = new StringBuilder(source.length());
        source.codePoints().forEach(c -> {
            if (isSpace(c)) {
                b.append(' ');
            } else if (!isHidden(c)) {
                b.appendCodePoint(c);
            }
        });
        return b.toString().strip().toLowerCase(Locale.ROOT);
    }

    /**
     * A name as a terminal should see it: as it is, unless it is empty, has leading or trailing white space, or has
     * any control or format character, line or paragraph separator or non-ASCII space; then in double quotes with
     * {@code "} and {@code \} escaped and each such character written as a JSON {@code \}{@code uXXXX} escape
     * ({@code \n}, {@code \t}, {@code \r} as such), so {@code "Books3 "}, {@code "\u200bBooks3"} and
     * {@code "Books3\u0000"} are told from {@code Books3} and no raw control byte reaches the terminal.
     *
     * @param name a source name
     * @return the name for display
     */
    public static String display(String name) {
        if (!needsQuoting(name)) {
            return name;
        }
        StringBuilder b = new StringBuilder(name.length() + 8).append('"');
        name.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (isEscaped(c)) {
                        for (char u : Character.toChars(c)) {
                            b.append(String.format(Locale.ROOT, "\\u%04x", (int) u));
                        }
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.append('"').toString();
    }

    private static boolean needsQuoting(String name) {
        if (name.isEmpty() || isSpace(name.codePointAt(0))
                || isSpace(name.codePointBefore(name.length()))) {
            return true;
        }
        return name.codePoints().anyMatch(SourceName::isEscaped);
    }

    /** Characters written as escapes inside the quotes: everything invisible or space-like but the ASCII space. */
    private static boolean isEscaped(int c) {
        return c != ' ' && (isHidden(c) || isSpace(c));
    }

    private static boolean isHidden(int c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT;
    }

    private static boolean isSpace(int c) {
        return Character.isSpaceChar(c) || Character.isWhitespace(c);
    }
}
