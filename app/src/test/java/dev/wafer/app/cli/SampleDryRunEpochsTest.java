package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.formats.data.ManifestJson;
import dev.wafer.formats.data.Progress;
import dev.wafer.formats.data.SampleDataset;

/**
 * On the embedded sample the dry run printed {@code "epochs": null} and no epoch note while the run printed the note:
 * the dry run never opened the sample. It now opens it when it is already prepared (as the run would use it), and
 * still prepares nothing, and shows the fingerprint the run will record for it.
 */
class SampleDryRunEpochsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void aPreparedSampleIsOpenedAndAnUnpreparedOneIsNotPrepared() throws Exception {
        assertTrue(SampleDataset.prepared(tmp, 32).isEmpty());
        assertTrue(Files.notExists(tmp.resolve("sample-gpt2-seq32")), "prepared() writes nothing");
        // What the run does first, in the cache the dry run reads.
        Path prepared = SampleDataset.ensure(SampleDataset.defaultCacheRoot(), 32, Progress.NONE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WaferCommand.run(new String[] {"train", "--d-model", "32", "--layers", "1", "--heads", "2", "--seq",
            "32", "--batch", "8", "--steps", "100000", "--dry-run", "--no-measure", "--json"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        JsonNode r = JSON.readTree(printed.substring(printed.indexOf('{')));
        assertTrue(r.get("epochs").isNumber(), r.toString());
        assertTrue(r.get("epochs").asDouble() > 1, r.toString());
        // The fingerprint the run records for the sample (until 2026-12-07 the dry run of a new run showed null).
        assertEquals(ManifestJson.read(prepared).fingerprint(), r.get("data_fingerprint").asText(), r.toString());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("epochs, each in a new order"),
                err.toString(StandardCharsets.UTF_8));
    }
}
