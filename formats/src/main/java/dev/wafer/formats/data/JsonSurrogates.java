package dev.wafer.formats.data;

/**
 * Finds a lone surrogate escape in a line of valid JSON: a high half (backslash-u D800 to DBFF) not followed by
 * the escape of a low half (DC00 to DFFF), or a low half without a high one before it. JSON parsers (Jackson, Python's {@code json}) accept them, but the
 * string they make is not valid Unicode: encoded to UTF-8 the half became a literal {@code ?}, so the document was
 * trained as another text and counted as an exact duplicate of it. Such a record is malformed, as invalid UTF-8 bytes
 * are.
 */
final class JsonSurrogates {
    private JsonSurrogates() {
    }

    /**
     * The reason a record is malformed when {@code json} (valid JSON) escapes a lone surrogate in a string, e.g.
     * "lone surrogate" and the escape, at byte 12 of the line; null when it does not.
     */
    static String loneSurrogate(String json) {
        boolean inString = false;
        int i = 0;
        while (i < json.length()) {
            char c = json.charAt(i);
            if (!inString) {
                inString = c == '"';
                i++;
            } else if (c == '"') {
                inString = false;
                i++;
            } else if (c != '\\') {
                i++;
            } else if (json.charAt(i + 1) != 'u') {
                i += 2;
            } else {
                int v = hex(json, i + 2);
                if (Character.isHighSurrogate((char) v) && json.startsWith("\\u", i + 6)
                        && Character.isLowSurrogate((char) hex(json, i + 8))) {
                    i += 12; // a pair: one character past U+FFFF
                } else if (Character.isSurrogate((char) v)) {
                    return String.format(java.util.Locale.ROOT, "lone surrogate \\u%04X at byte %d of the line (a"
                            + " \\u escape without its pair is not valid Unicode)", v, utf8Length(json, i) + 1);
                } else {
                    i += 6;
                }
            }
        }
        return null;
    }

    /** The four hex digits at {@code at} (valid JSON has them after every backslash-u); -1 when they are not there. */
    private static int hex(String json, int at) {
        if (at + 4 > json.length()) {
            return -1;
        }
        int v = 0;
        for (int k = at; k < at + 4; k++) {
            int d = Character.digit(json.charAt(k), 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    /** The UTF-8 length of {@code s[0, end)}, so the position reads like the invalid-UTF-8 one. */
    private static int utf8Length(String s, int end) {
        return s.substring(0, end).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
}
