package dev.wafer.domain.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A data path with a NUL was accepted, written into every checkpoint, and then refused when the file was opened. */
class DataSpecTest {
    @Test
    void aPathHoldingANulIsRefusedWhenTheSpecIsMade() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DataSpec(DataKind.DATASET, "/a\u0000b", "", "", ""));
        assertEquals("dataset data path holds a NUL character (\\u0000), which no file system holds: /a\\u0000b",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataSpec.of(DataKind.SAMPLE).at("x\u0000"));
    }

    @Test
    void otherCharactersStayAccepted() {
        assertEquals("/d\u00e9j\u00e0/\n\ud83d\ude00", new DataSpec(DataKind.TOKENS, "/d\u00e9j\u00e0/\n\ud83d\ude00", "")
                .path());
    }
}
