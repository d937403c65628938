package dev.wafer.formats.input;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads {@code \n}-terminated lines of strict UTF-8 from a stream, holding one line at a time. Invalid UTF-8
 * is reported per line ({@link Line#error()}) instead of being replaced with U+FFFD, so the caller can name the
 * line. Used on data prepare's hot path (the line buffer is reused) and, through {@link StrictLineReader}, for
 * small text files whose lines are refused when invalid.
 */
public final class Utf8LineReader {
    private final InputStream in;
    private final byte[] chunk = new byte[1 << 16];
    private int chunkPos;
    private int chunkLen;
    private byte[] line = new byte[1 << 12];
    private int lineLen;
    private long lineNumber;
    private final StrictUtf8 utf8 = new StrictUtf8();

    /**
     * One line: its 1-based number and either its text or the 0-based offset in the line of its first invalid byte
     * ({@code badOffset}, -1 when the text decoded).
     */
    public record Line(long number, String text, int badOffset) {
        /** Why the line could not be decoded, or null when it was. */
        public String error() {
            return text != null ? null : "invalid UTF-8 at byte " + (badOffset + 1) + " of the line";
        }
    }

    /** @param in the bytes, read to the end (the caller closes it) */
    public Utf8LineReader(InputStream in) {
        this.in = in;
    }

    /** The next line, or null at end of input. A final line without {@code \n} is returned too. */
    public Line next() throws IOException {
        return advance() ? decode() : null;
    }

    /**
     * Moves to the next line without decoding it ({@link #bytes()}, {@link #length()}, {@link #number()}); false at
     * end of input.
     */
    public boolean advance() throws IOException {
        lineLen = 0;
        boolean any = false;
        while (true) {
            if (chunkPos == chunkLen) {
                chunkLen = in.read(chunk, 0, chunk.length);
                chunkPos = 0;
                if (chunkLen <= 0) {
                    chunkLen = 0;
                    if (!any) {
                        return false;
                    }
                    break;
                }
            }
            any = true;
            int start = chunkPos;
            int end = start;
            while (end < chunkLen && chunk[end] != '\n') {
                end++;
            }
            append(start, end);
            chunkPos = end;
            if (end < chunkLen) {
                chunkPos++; // consume '\n'
                break;
            }
        }
        lineNumber++;
        if (lineLen > 0 && line[lineLen - 1] == '\r') {
            lineLen--;
        }
        return true;
    }

    /** The current line's bytes, without its {@code \n} or {@code \r\n}, in {@code [0, length())}; reused. */
    public byte[] bytes() {
        return line;
    }

    /** Length of the current line in {@link #bytes()}. */
    public int length() {
        return lineLen;
    }

    /** The current line's 1-based number. */
    public long number() {
        return lineNumber;
    }

    /** The current line decoded. */
    public Line decode() {
        StrictUtf8.Result decoded = utf8.decode(line, 0, lineLen);
        return new Line(lineNumber, decoded.text(), decoded.ok() ? -1 : decoded.badOffset());
    }

    private void append(int start, int end) {
        int n = end - start;
        if (lineLen + n > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + n));
        }
        System.arraycopy(chunk, start, line, lineLen, n);
        lineLen += n;
    }
}
