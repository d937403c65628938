package dev.wafer.app.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Aligned "name: value" lines, for CLI output that describes one thing. */
final class KeyValues {
    private final List<String[]> rows = new ArrayList<>();

    KeyValues row(String name, Object value) {
        rows.add(new String[] {name, String.valueOf(value)});
        return this;
    }

    void print(PrintWriter out) {
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        for (String[] r : rows) {
            out.println(r[0] + ":" + " ".repeat(width - r[0].length() + 1) + r[1]);
        }
        out.flush();
    }
}
