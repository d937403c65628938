package dev.wafer.formats.hf;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.formats.fuzz.Fuzz;
import dev.wafer.formats.fuzz.Mutations;

/**
 * Fuzzes {@link Gpt2ConfigJson#read}: damaged bytes and JSON-level edits of an SP config (Cerebras-GPT-111M's) and
 * of a btlm muP config. Each must read or fail with a one-line {@link HfFormatException} naming the file.
 */
class Gpt2ConfigJsonFuzzTest {
    @TempDir
    Path dir;
    private Path file;
    private byte[] sp;
    private byte[] mup;

    @BeforeEach
    void baseFiles() throws IOException, URISyntaxException {
        sp = Gpt2ConfigJsonTest.CEREBRAS_111M.getBytes(StandardCharsets.UTF_8);
        mup = Files.readAllBytes(Path.of(Gpt2ConfigJsonFuzzTest.class.getResource("/hf-fixture/tiny-gpt2-mup/config.json").toURI()));
        file = dir.resolve("config.json");
        load(sp);
        load(mup);
    }

    private void load(byte[] bytes) throws IOException {
        Files.write(file, bytes);
        Gpt2ConfigJson.read(file);
    }

    private Fuzz fuzz(String name) {
        return new Fuzz(name, List.of(HfFormatException.class), file.toString());
    }

    /** Regression found by the fuzz cases: a value quoted as it is made a two-line error. */
    @Test
    void quotedValuesStayOnOneLine() throws IOException {
        String json = Gpt2ConfigJsonTest.CEREBRAS_111M.replace("\"model_type\": \"gpt2\"", "\"model_type\": \"gpt2\\nbtlm\"");
        HfFormatException e = org.junit.jupiter.api.Assertions.assertThrows(HfFormatException.class,
                () -> load(json.getBytes(StandardCharsets.UTF_8)));
        org.junit.jupiter.api.Assertions.assertEquals(file + ": model_type 'gpt2\\u000abtlm' is not supported; Wafer imports"
                + " gpt2 (and btlm muP) models", e.getMessage());
    }

    @Test
    void damagedBytes() {
        fuzz("config.json bytes (sp)").run(0x5EED0001L, 500, rng -> Mutations.bytes(rng, sp, List.of()), m -> load(m.bytes()));
        fuzz("config.json bytes (mup)").run(0x5EED0002L, 500, rng -> Mutations.bytes(rng, mup, List.of()), m -> load(m.bytes()));
    }

    @Test
    void editedFields() {
        JsonNode spTree = Mutations.parse(sp);
        JsonNode mupTree = Mutations.parse(mup);
        fuzz("config.json fields (sp)").run(0x5EED0003L, 750, rng -> Mutations.json(rng, spTree), m -> load(m.bytes()));
        fuzz("config.json fields (mup)").run(0x5EED0004L, 750, rng -> Mutations.json(rng, mupTree), m -> load(m.bytes()));
    }
}
