package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.junit.jupiter.api.Test;

/** The embedded corpus is recorded with its stored size (it was -1, "size unknown", though read whole to hash it). */
class InputsSampleSizeTest {
    @Test
    void theEmbeddedSampleHasTheStoredSizeOfItsResource() throws IOException {
        long stored;
        try (InputStream in = Inputs.class.getResourceAsStream(Inputs.SAMPLE_RESOURCE)) {
            stored = in.transferTo(OutputStream.nullOutputStream());
        }
        assertEquals(stored, Inputs.sample(n -> { }).sizeBytes());
    }
}
