package dev.wafer.formats.tasks.harness;

import dev.wafer.formats.tasks.TaskFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV as pandas writes it (the CrowS-Pairs release file): comma-separated, fields in double quotes may hold
 * commas, line breaks and doubled quotes. Each row remembers the line it starts on.
 */
final class CsvRecords {
    /** One row and the 1-based line it starts on. */
    record Row(int line, List<String> cells) {
    }

    private CsvRecords() {
    }

    /** The rows of {@code text}, header included; {@code source} names the file in errors. */
    static List<Row> parse(String source, String text) {
        List<Row> rows = new ArrayList<>();
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        int line = 1;
        int rowLine = 1;
        int i = 0;
        if (text.startsWith("\uFEFF")) {
            i = 1;
        }
        while (i < text.length()) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    cell.append(c);
                }
            } else if (c == '"' && cell.isEmpty()) {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                cells.add(cell.toString());
                cell.setLength(0);
                if (!(cells.size() == 1 && cells.get(0).isEmpty())) {
                    rows.add(new Row(rowLine, List.copyOf(cells)));
                }
                cells.clear();
                line++;
                rowLine = line;
            } else {
                cell.append(c);
            }
            i++;
        }
        if (quoted) {
            throw new TaskFileException(source + ":" + rowLine + ": a quoted field is not closed before the end of the file");
        }
        if (!cell.isEmpty() || !cells.isEmpty()) {
            cells.add(cell.toString());
            rows.add(new Row(rowLine, List.copyOf(cells)));
        }
        return rows;
    }
}
