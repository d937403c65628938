package dev.wafer.domain.data;

/**
 * Repairs UTF-8 text that was decoded as Windows-1252 or Latin-1 (the commonest mojibake: {@code Ã©} for
 * {@code é}, {@code â€™} for {@code ’}).
 *
 * <p>Rule: find each maximal run of two or more characters that all map to a single byte 0x80-0xFF in
 * Windows-1252 (with Latin-1's C1 controls U+0080-U+009F standing for the five bytes Windows-1252 leaves
 * undefined). Inside the run, every byte sequence that is a complete, valid, non-overlong UTF-8 multi-byte
 * sequence is replaced by the character it encodes; other characters of the run are kept. Repeated up to
 * three times, which undoes double-encoded text. Genuine Latin-1 text almost never forms valid UTF-8
 * sequences (an accented letter followed by one or two C1/symbol characters), so it is left alone.
 */
final class MojibakeRepair {
    /** Windows-1252 bytes 0x80-0x9F; 0 where Windows-1252 has no character. */
    private static final char[] CP1252_HIGH = {
        '\u20AC', 0, '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021',
        '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', 0, '\u017D', 0,
        0, '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014',
        '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', 0, '\u017E', '\u0178',
    };
    private static final int MAX_PASSES = 3;

    private MojibakeRepair() {
    }

    static String repair(String text) {
        String current = text;
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            String next = repairOnce(current);
            if (next.equals(current)) {
                return current;
            }
            current = next;
        }
        return current;
    }

    /** The byte a character stands for in Windows-1252/Latin-1 mojibake, or -1 if it is not such a character. */
    static int byteOf(char c) {
        if (c >= 0xA0 && c <= 0xFF) {
            return c;
        }
        if (c >= 0x80 && c <= 0x9F) {
            // A raw C1 control: Latin-1 decoding of a byte Windows-1252 leaves undefined (or of any 0x80-0x9F).
            return c;
        }
        for (int i = 0; i < CP1252_HIGH.length; i++) {
            if (CP1252_HIGH[i] == c && c != 0) {
                return 0x80 + i;
            }
        }
        return -1;
    }

    private static String repairOnce(String text) {
        StringBuilder out = null;
        int copied = 0;
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            // Fast skip: ASCII and most non-Latin text can never be part of mojibake.
            if (c < 0x80 || c > 0x2122 || byteOf(c) < 0) {
                i++;
                continue;
            }
            int runEnd = i;
            while (runEnd < n && byteOf(text.charAt(runEnd)) >= 0) {
                runEnd++;
            }
            if (runEnd - i >= 2) {
                String fixed = decodeRun(text, i, runEnd);
                if (fixed != null) {
                    if (out == null) {
                        out = new StringBuilder(n);
                    }
                    out.append(text, copied, i).append(fixed);
                    copied = runEnd;
                }
            }
            i = runEnd;
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, n).toString();
    }

    /** Decodes valid UTF-8 sequences inside the run; null when the run contains none. */
    private static String decodeRun(String text, int start, int end) {
        int len = end - start;
        int[] bytes = new int[len];
        for (int k = 0; k < len; k++) {
            bytes[k] = byteOf(text.charAt(start + k));
        }
        StringBuilder out = new StringBuilder(len);
        boolean changed = false;
        int k = 0;
        while (k < len) {
            int seqLen = validSequenceLength(bytes, k);
            if (seqLen > 0) {
                out.appendCodePoint(decode(bytes, k, seqLen));
                k += seqLen;
                changed = true;
            } else {
                out.append(text.charAt(start + k));
                k++;
            }
        }
        return changed ? out.toString() : null;
    }

    /** Length of the valid UTF-8 multi-byte sequence at {@code k}, or 0. */
    private static int validSequenceLength(int[] b, int k) {
        int lead = b[k];
        int need;
        int min2;
        int max2 = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            need = 2;
            min2 = 0x80;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            need = 3;
            min2 = lead == 0xE0 ? 0xA0 : 0x80; // no overlong forms
            if (lead == 0xED) {
                max2 = 0x9F; // no surrogates
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            need = 4;
            min2 = lead == 0xF0 ? 0x90 : 0x80;
            if (lead == 0xF4) {
                max2 = 0x8F; // nothing above U+10FFFF
            }
        } else {
            return 0;
        }
        if (k + need > b.length || b[k + 1] < min2 || b[k + 1] > max2) {
            return 0;
        }
        for (int j = 2; j < need; j++) {
            if (b[k + j] < 0x80 || b[k + j] > 0xBF) {
                return 0;
            }
        }
        return need;
    }

    private static int decode(int[] b, int k, int len) {
        int cp = b[k] & (0xFF >> (len + 1));
        for (int j = 1; j < len; j++) {
            cp = (cp << 6) | (b[k + j] & 0x3F);
        }
        return cp;
    }
}
