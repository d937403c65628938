package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nvidia-smi's sections land in the report as its lines; a missing or failing tool is recorded, not fatal. */
class NvidiaSmiTest {
    @TempDir
    Path tmp;

    /** Writes an executable {@code nvidia-smi} into {@code dir} that runs {@code body} (sh). */
    static Path fakeTool(Path dir, String body) throws IOException {
        Path tool = dir.resolve(NvidiaSmi.TOOL);
        Files.writeString(tool, "#!/bin/sh\n" + body + "\n");
        assertTrue(tool.toFile().setExecutable(true));
        return tool;
    }

    @Test
    void itsLinesAreKeptWithoutTheBlankOnesAndCapped() throws IOException {
        Path tool = fakeTool(tmp, "echo \"args: $*\"; echo; echo \"    Clocks Event Reasons\"; echo \"        SW Power"
                + " Cap : Active\"; i=0; while [ $i -lt 300 ]; do echo line$i; i=$((i+1)); done");
        NvidiaSmi smi = NvidiaSmi.query(tool.toString(), List.of("POWER", "CLOCK"), Map.of());
        assertEquals("exit 0", smi.ending());
        assertEquals("args: -q -d POWER,CLOCK", smi.lines().get(0));
        assertEquals("        SW Power Cap : Active", smi.lines().get(2));
        assertEquals(NvidiaSmi.MAX_LINES, smi.lines().size());

        ObjectNode parent = Json.object();
        smi.putInto(parent, "nvidia_smi");
        assertEquals(tool + " -q -d POWER,CLOCK", parent.path("nvidia_smi").path("command").asText());
        assertEquals("exit 0", parent.path("nvidia_smi").path("ending").asText());
        assertEquals(NvidiaSmi.MAX_LINES, parent.path("nvidia_smi").path("lines").size());
    }

    @Test
    void aFailingOrMissingToolIsRecorded() throws IOException {
        Path failing = fakeTool(tmp, "echo 'Failed to initialize NVML: Driver/library version mismatch'; exit 9");
        NvidiaSmi failed = NvidiaSmi.query(failing.toString(), NvidiaSmi.AT_START, Map.of());
        assertEquals("exit 9", failed.ending());
        assertEquals(List.of("Failed to initialize NVML: Driver/library version mismatch"), failed.lines());

        NvidiaSmi missing = NvidiaSmi.query(tmp.resolve("absent/nvidia-smi").toString(), NvidiaSmi.AT_START, Map.of());
        assertTrue(missing.ending().startsWith("not run: could not start " + tmp.resolve("absent/nvidia-smi")),
                missing.ending());
        assertEquals(List.of(), missing.lines());
    }
}
