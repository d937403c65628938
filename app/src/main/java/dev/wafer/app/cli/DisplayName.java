package dev.wafer.app.cli;

import dev.wafer.domain.data.SourceName;

/**
 * A name from a corpus's metadata as a table or message prints it ({@link SourceName#display}): as it is, unless it
 * has leading or trailing white space or any control or format character, line or paragraph separator or non-ASCII
 * space; then quoted and escaped as a JSON string, so {@code "Books3 "} and {@code "Books3\u0000"} are told from
 * {@code Books3} and no raw control byte reaches the terminal.
 */
final class DisplayName {
    private DisplayName() {
    }

    static String of(String name) {
        return SourceName.display(name);
    }

    /** Each name displayed, joined with {@code ", "}. */
    static String all(java.util.Collection<String> names) {
        return String.join(", ", names.stream().map(DisplayName::of).toList());
    }
}
