package dev.wafer.formats.data;

/**
 * The fast path of {@link PileJsonlSource}: parses the common shape of a Pile line straight from its UTF-8 bytes,
 * {@code {"text": "...", "meta": {"pile_set_name": "...", ...}}} with string values only, decoding the strings
 * strictly. Anything else (another value type, an escape in a key, a repeated field the reader looks at, invalid
 * UTF-8 or JSON, a string over the reader's length limit) makes it answer {@code null}, and the caller takes the
 * general path (strict line decoding and Jackson), which also words the errors; so both paths give the same
 * documents and the same malformed records. One instance per reading thread.
 */
final class PileLineParser {
    private static final int MAX_STRING = PileJsonlSource.MAX_STRING_CHARS;

    /** The fields of a parsed line; valid until the next {@link #parse}. */
    String text;
    String pileSetName;
    String source;
    String licence;
    String license;

    private byte[] in;
    private int pos;
    private int end;
    private char[] chars = new char[1 << 12];
    private int charCount;
    private boolean metaParsed;

    /**
     * Parses {@code line[0, length)}.
     *
     * @return false when the line is not of the simple shape; the fields are then meaningless
     */
    boolean parse(byte[] line, int length) {
        in = line;
        pos = 0;
        end = length;
        text = null;
        pileSetName = null;
        source = null;
        licence = null;
        license = null;
        metaParsed = false;
        try {
            return object(true) && skipWs() == end && text != null;
        } finally {
            in = null;
        }
    }

    /** An object; at top level it holds text and meta, inside meta the provenance fields. */
    private boolean object(boolean top) {
        if (skipWs() == end || in[pos] != '{') {
            return false;
        }
        pos++;
        if (skipWs() == end || in[pos] == '}') {
            return false; // an empty object has no text: the general path says so
        }
        while (true) {
            String key = key();
            if (key == null || skipWs() == end || in[pos] != ':') {
                return false;
            }
            pos++;
            if (skipWs() == end) {
                return false;
            }
            if (top && key.equals("meta")) {
                if (metaParsed || in[pos] != '{') {
                    return false;
                }
                metaParsed = true;
                if (!object(false)) {
                    return false;
                }
            } else if (in[pos] != '"' || !string()) {
                return false;
            } else if (!assign(top, key)) {
                return false;
            }
            if (skipWs() == end) {
                return false;
            }
            byte b = in[pos++];
            if (b == '}') {
                return true;
            }
            if (b != ',' || skipWs() == end) {
                return false;
            }
        }
    }

    /** Stores the string just parsed when its key is one the reader uses; false on a repeat. */
    private boolean assign(boolean top, String key) {
        if (top) {
            if (key.equals("text")) {
                if (text != null) {
                    return false;
                }
                text = new String(chars, 0, charCount);
            }
            return true;
        }
        switch (key) {
            case "pile_set_name" -> {
                if (pileSetName != null) {
                    return false;
                }
                pileSetName = new String(chars, 0, charCount);
            }
            case "source" -> {
                if (source != null) {
                    return false;
                }
                source = new String(chars, 0, charCount);
            }
            case "licence" -> {
                if (licence != null) {
                    return false;
                }
                licence = new String(chars, 0, charCount);
            }
            case "license" -> {
                if (license != null) {
                    return false;
                }
                license = new String(chars, 0, charCount);
            }
            default -> {
            }
        }
        return true;
    }

    /** A key of plain ASCII without escapes, or null. */
    private String key() {
        if (in[pos] != '"') {
            return null;
        }
        int start = ++pos;
        while (pos < end) {
            byte b = in[pos];
            if (b == '"') {
                String key = new String(in, start, pos - start, java.nio.charset.StandardCharsets.ISO_8859_1);
                pos++;
                return key;
            }
            if (b == '\\' || b < 0x20) {
                return null; // also catches bytes >= 0x80, which are negative
            }
            pos++;
        }
        return null;
    }

    /** Decodes the string at {@code pos} (at its opening quote) into {@link #chars}. */
    private boolean string() {
        pos++;
        charCount = 0;
        while (pos < end) {
            int b = in[pos];
            if (b == '"') {
                pos++;
                return charCount <= MAX_STRING;
            }
            if (b == '\\') {
                if (!escape()) {
                    return false;
                }
            } else if (b >= 0x20) {
                put((char) b);
                pos++;
            } else if (b < 0) {
                if (!multiByte()) {
                    return false;
                }
            } else {
                return false; // an unescaped control character
            }
        }
        return false;
    }

    private boolean escape() {
        if (pos + 1 >= end) {
            return false;
        }
        byte e = in[pos + 1];
        char c;
        switch (e) {
            case '"' -> c = '"';
            case '\\' -> c = '\\';
            case '/' -> c = '/';
            case 'b' -> c = '\b';
            case 'f' -> c = '\f';
            case 'n' -> c = '\n';
            case 'r' -> c = '\r';
            case 't' -> c = '\t';
            case 'u' -> {
                int v = hex4(pos + 2);
                if (v < 0 || Character.isLowSurrogate((char) v)) {
                    return false; // a low half alone: the general path names the lone surrogate
                }
                if (Character.isHighSurrogate((char) v)) {
                    // Only with its low half: alone it was stored as a lone char, which UTF-8 encoding made a '?'.
                    int low = pos + 7 < end && in[pos + 6] == '\\' && in[pos + 7] == 'u' ? hex4(pos + 8) : -1;
                    if (low < 0 || !Character.isLowSurrogate((char) low)) {
                        return false;
                    }
                    put((char) v);
                    put((char) low);
                    pos += 12;
                    return true;
                }
                put((char) v);
                pos += 6;
                return true;
            }
            default -> {
                return false;
            }
        }
        put(c);
        pos += 2;
        return true;
    }

    /** The value of the four hex digits at {@code at}, or -1 when they are not four hex digits within the line. */
    private int hex4(int at) {
        if (at + 4 > end) {
            return -1;
        }
        int v = 0;
        for (int i = at; i < at + 4; i++) {
            int d = Character.digit(in[i], 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    /** One strictly valid UTF-8 sequence of two to four bytes (no overlong form, surrogate or value past U+10FFFF). */
    private boolean multiByte() {
        int b0 = in[pos] & 0xFF;
        int need;
        int min2;
        int max2;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            need = 1;
            min2 = 0x80;
            max2 = 0xBF;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            need = 2;
            min2 = b0 == 0xE0 ? 0xA0 : 0x80;
            max2 = b0 == 0xED ? 0x9F : 0xBF;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            need = 3;
            min2 = b0 == 0xF0 ? 0x90 : 0x80;
            max2 = b0 == 0xF4 ? 0x8F : 0xBF;
        } else {
            return false;
        }
        if (pos + need >= end) {
            return false;
        }
        int b1 = in[pos + 1] & 0xFF;
        if (b1 < min2 || b1 > max2) {
            return false;
        }
        int cp = b0 & (0x3F >> need);
        cp = (cp << 6) | (b1 & 0x3F);
        for (int i = 2; i <= need; i++) {
            int b = in[pos + i] & 0xFF;
            if (b < 0x80 || b > 0xBF) {
                return false;
            }
            cp = (cp << 6) | (b & 0x3F);
        }
        if (cp >= 0x10000) {
            put(Character.highSurrogate(cp));
            put(Character.lowSurrogate(cp));
        } else {
            put((char) cp);
        }
        pos += need + 1;
        return true;
    }

    private void put(char c) {
        if (charCount == chars.length) {
            chars = java.util.Arrays.copyOf(chars, chars.length * 2);
        }
        chars[charCount++] = c;
    }

    /** Skips JSON whitespace; returns the new position. */
    private int skipWs() {
        while (pos < end) {
            byte b = in[pos];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                break;
            }
            pos++;
        }
        return pos;
    }
}
