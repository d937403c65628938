package dev.wafer.app.cli;

/**
 * A name from a corpus's metadata as a table prints it: as it is, unless it has leading or trailing white space or
 * any control character; then quoted and escaped as a JSON string, so {@code "Books3 "} and {@code "Books3\u0000"}
 * are told from {@code Books3} and no raw control byte reaches the terminal.
 */
final class DisplayName {
    private DisplayName() {
    }

    static String of(String name) {
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
                    if (Character.getType(c) == Character.CONTROL) {
                        b.append(String.format(java.util.Locale.ROOT, "\\u%04x", c));
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.append('"').toString();
    }

    private static boolean needsQuoting(String name) {
        if (name.isEmpty() || !name.strip().equals(name)) {
            return true;
        }
        return name.codePoints().anyMatch(c -> Character.getType(c) == Character.CONTROL);
    }
}
