package dev.wafer.app.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wafer.app.cli.MemorizedModel;

/**
 * The memorization audit does not depend on the backend: {@code wafer audit memorization --backend opencl} reports
 * exactly what {@code --backend cpu} reports (every count, rate and named document) for an overfit model's training
 * and held-out sequences and a text at every offset. Skipped with the reason where no OpenCL platform exists; a
 * failure instead when {@code WAFER_EXPECT_OPENCL=1}.
 */
class OpenClMemorizationTest {
    private static final long SEED = 1130L;

    @TempDir
    Path dir;

    @BeforeEach
    void requireOpenCl() {
        OpenClPlatform.require();
    }

    @Test
    void openClReportsExactlyWhatCpuReports() throws IOException {
        MemorizedModel model = MemorizedModel.build(dir, SEED);
        Path text = dir.resolve("mine.txt");
        Files.writeString(text, model.texts().get(1), StandardCharsets.UTF_8);
        for (String split : new String[] {"train", "val"}) {
            ObjectNode cpu = audit(model, split, text, "cpu");
            ObjectNode cl = audit(model, split, text, "opencl");
            assertEquals("opencl", cl.path("backend").asText());
            cpu.remove(java.util.List.of("seconds", "backend"));
            cl.remove(java.util.List.of("seconds", "backend"));
            assertEquals(cpu, cl, "seed " + SEED + ", split " + split);
            assertTrue(cpu.path("samples").asInt() > 0, cpu.toString());
        }
    }

    private static ObjectNode audit(MemorizedModel model, String split, Path text, String backend) throws IOException {
        return (ObjectNode) model.audit(model.trained(), "--split", split, "--top", "100", "--text", text.toString(),
                "--backend", backend);
    }
}
