package dev.wafer.domain.data;

/**
 * Line-break and control-character clean-up: {@code \r\n} and lone {@code \r} become {@code \n}; the other C0
 * controls (except {@code \t} and {@code \n}), DEL, the C1 controls U+0080-U+009F and the byte-order mark U+FEFF
 * are removed. Runs after mojibake repair, because C1 controls are often part of mojibake that can be repaired.
 */
final class ControlCharacters {
    private ControlCharacters() {
    }

    static boolean isRemoved(char c) {
        return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F) || c == '\uFEFF';
    }

    static String clean(String text) {
        int n = text.length();
        int first = 0;
        while (first < n) {
            char c = text.charAt(first);
            if (c == '\r' || isRemoved(c)) {
                break;
            }
            first++;
        }
        if (first == n) {
            return text;
        }
        StringBuilder out = new StringBuilder(n).append(text, 0, first);
        for (int i = first; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\r') {
                out.append('\n');
                if (i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
            } else if (!isRemoved(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
