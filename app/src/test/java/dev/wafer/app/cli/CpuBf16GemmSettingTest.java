package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.app.backend.BackendCatalog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code wafer backends} reports the bf16 GEMM {@code WAFER_CPU_BF16_GEMM} chooses and refuses a value the backend
 * refuses; until 2026-12-08 it ignored the variable (said "oneDNN" under {@code =emulated}, exit 0 under {@code =foo}).
 */
class CpuBf16GemmSettingTest {
    private static CliRun run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WaferCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, BackendCatalog.standard(env));
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void backendsSaysTheChosenBf16Gemm() {
        CliRun r = run(Map.of("WAFER_CPU_BF16_GEMM", "emulated"), "backends");
        assertEquals(0, r.exitCode(), r::err);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("cpu ") && l.contains(
                "bf16 GEMM emulated on the float32 GEMM (WAFER_CPU_BF16_GEMM=emulated)")), r::out);
    }

    @Test
    void backendsRefusesAValueTheBackendRefuses() {
        for (String[] args : new String[][] {{"backends"}, {"bench", "--d-model", "32", "--layers", "1", "--heads",
                "2", "--seq", "16", "--batch", "2", "--vocab", "64", "--steps", "1"}}) {
            CliRun r = run(Map.of("WAFER_CPU_BF16_GEMM", "foo"), args);
            assertEquals(2, r.exitCode(), r::err);
            assertEquals("wafer: WAFER_CPU_BF16_GEMM must be auto, onednn or emulated, found 'foo'", r.err().strip());
            assertEquals("", r.out());
        }
    }
}
