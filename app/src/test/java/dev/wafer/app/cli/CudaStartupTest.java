package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wafer.adapters.cuda.CudaBackendProbe;
import dev.wafer.app.backend.BackendCatalog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code wafer bench --backend cuda} with the real catalog, on a machine without an NVIDIA GPU. */
class CudaStartupTest {
    @Test
    void withoutAGpuACommandIsRefusedWithOneLineAndExitCode3() {
        assumeFalse(new CudaBackendProbe().probe().available(), "this machine has a GPU");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WaferCommand.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), BackendCatalog.standard())
                .execute("bench", "--backend", "cuda");
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(3, code, text);
        assertTrue(text.startsWith("wafer: backend 'cuda' is unavailable: "), text);
        assertEquals(1, text.lines().count(), text);
    }
}
