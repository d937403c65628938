package dev.wafer.formats.input;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the lines of a UTF-8 text file strictly: a line that is not valid UTF-8 is refused naming the file and line
 * ({@code where:LINE: not valid UTF-8}), where a {@code Reader} would either throw without saying where
 * ("Input length = 1") or replace the bytes with U+FFFD and go on. Lines end at LF; a CR before it is dropped. A thin
 * wrapper of {@link Utf8LineReader} (data prepare's reader) that turns its per-line error into an exception.
 */
public final class StrictLineReader implements Closeable {
    private final InputStream in;
    private final String where;
    private final Utf8LineReader lines;

    /**
     * @param in    the bytes, read to the end (and closed with this reader)
     * @param where what messages name, usually the file's path
     */
    public StrictLineReader(InputStream in, String where) {
        this.in = in;
        this.where = where;
        this.lines = new Utf8LineReader(in);
    }

    /**
     * The next line without its terminator, or null at the end.
     *
     * @throws InvalidInputException naming {@code where} and the line when the line is not valid UTF-8
     * @throws IOException           when reading fails
     */
    public String readLine() throws IOException {
        Utf8LineReader.Line line = lines.next();
        if (line == null) {
            return null;
        }
        if (line.text() == null) {
            throw new InvalidInputException(where + ":" + line.number() + ": not valid UTF-8 (byte " + (line.badOffset() + 1)
                    + " of the line)");
        }
        return line.text();
    }

    /** The number of the line {@link #readLine()} returned last (1 for the first). */
    public int lineNumber() {
        return Math.toIntExact(lines.number());
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
