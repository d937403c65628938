package dev.wafer.formats.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The strict reader's line endings, numbering and refusal of invalid UTF-8 (it wraps data prepare's reader). */
class StrictLineReaderTest {

    @Test
    void splitsAtLineFeedsDroppingCarriageReturnsAndReadsAFinalLineWithoutTerminator() throws IOException {
        assertEquals(List.of("a", "", "é ü", "last"), lines("a\r\n\né ü\nlast".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("a", "b"), lines("a\nb\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(), lines(new byte[0]));
    }

    @Test
    void linesLongerThanTheReadChunkComeBackWhole() throws IOException {
        String longLine = "x".repeat(200_000);
        assertEquals(List.of(longLine, "y"), lines((longLine + "\ny").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anInvalidLineIsRefusedNamingTheFileLineAndByte() throws IOException {
        byte[] bytes = {'o', 'k', '\n', 'a', 'b', (byte) 0xC3, '(', '\n'};
        try (StrictLineReader reader = new StrictLineReader(new ByteArrayInputStream(bytes), "t.txt")) {
            assertEquals("ok", reader.readLine());
            assertEquals(1, reader.lineNumber());
            InvalidInputException e = assertThrows(InvalidInputException.class, reader::readLine);
            assertEquals("t.txt:2: not valid UTF-8 (byte 3 of the line)", e.getMessage());
        }
    }

    private static List<String> lines(byte[] bytes) throws IOException {
        List<String> out = new ArrayList<>();
        try (StrictLineReader reader = new StrictLineReader(new ByteArrayInputStream(bytes), "t")) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                out.add(line);
            }
            assertNull(reader.readLine());
        }
        return out;
    }
}
