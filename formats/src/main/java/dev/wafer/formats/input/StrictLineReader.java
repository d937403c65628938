package dev.wafer.formats.input;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the lines of a UTF-8 text file strictly: a line that is not valid UTF-8 is refused naming the file and line
 * ({@code where:LINE: not valid UTF-8}), where a {@code Reader} would either throw without saying where
 * ("Input length = 1") or replace the bytes with U+FFFD and go on. Lines end at LF; a CR before it is dropped.
 */
public final class StrictLineReader implements Closeable {
    private final InputStream in;
    private final String where;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private int number;

    /**
     * @param in    the bytes, read to the end (and closed with this reader)
     * @param where what messages name, usually the file's path
     */
    public StrictLineReader(InputStream in, String where) {
        this.in = new BufferedInputStream(in);
        this.where = where;
    }

    /**
     * The next line without its terminator, or null at the end.
     *
     * @throws InvalidInputException naming {@code where} and the line when the line is not valid UTF-8
     * @throws IOException           when reading fails
     */
    public String readLine() throws IOException {
        line.reset();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        number++;
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
        try {
            CharBuffer text = decoder.reset().decode(buffer);
            return text.toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(where + ":" + number + ": not valid UTF-8 (byte " + (buffer.position() + 1)
                    + " of the line)");
        }
    }

    /** The number of the line {@link #readLine()} returned last (1 for the first). */
    public int lineNumber() {
        return number;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
