package dev.wafer.formats.hf;

/** Text taken from a file, made fit for a one-line message: control characters (a line break in a name) escaped. */
final class PrintableText {
    private PrintableText() {
    }

    static String of(Object value) {
        String text = String.valueOf(value);
        StringBuilder sb = new StringBuilder(text.length());
        text.chars().forEach(c -> sb.append(Character.isISOControl(c) ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return sb.toString();
    }
}
