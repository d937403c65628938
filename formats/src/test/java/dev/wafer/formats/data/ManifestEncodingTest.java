package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.formats.input.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edited manifest whose first bytes look like UTF-32 to Jackson's encoding guess failed decoding with a
 * CharConversionException (an I/O error, exit 74) instead of being refused as not JSON (found by
 * PreparedFilesFuzzTest).
 */
class ManifestEncodingTest {
    @TempDir
    Path dir;

    @Test
    void bytesThatLookLikeUtf32AreNotValidJsonNotAnIoError() throws Exception {
        DatasetLayout layout = new DatasetLayout(dir);
        byte[] bytes = {0, 0, 0, '{', 0, 0, '"'}; // UTF-32BE by its first word, cut short in the second
        Files.write(layout.manifest(), bytes);
        Files.writeString(layout.manifestSha256(), ManifestCheck.line(bytes), StandardCharsets.US_ASCII);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> PreparedDataset.open(dir, "--dataset"));
        assertTrue(e.getMessage().contains("manifest.json: not valid JSON"), e.getMessage());
    }
}
