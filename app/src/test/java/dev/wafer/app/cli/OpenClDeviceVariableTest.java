package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.app.backend.BackendCatalog;
import dev.wafer.app.opencl.OpenClPlatform;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code WAFER_OPENCL_DEVICE}: a malformed value is the user's mistake (exit 2, one line), one that matches no device
 * leaves the backend unavailable (exit 3), and {@code wafer backends} applies it. Until 2026-12-08 both ended every
 * OpenCL command in an internal error with a trace, and {@code backends} said "available" whatever it held.
 */
class OpenClDeviceVariableTest {
    private static final String[] TRAIN = {"train", "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "32",
            "--batch", "4", "--steps", "1", "--backend", "opencl"};

    private static CliRun run(String selection, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("WAFER_OPENCL_DEVICE", selection);
        int code = WaferCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, BackendCatalog.standard(env));
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void malformedSelectionIsRefusedInOneLineNamingTheVariable() {
        for (String bad : new String[] {"garbage", "gpu=1", "device=0,device=1"}) {
            for (String[] args : new String[][] {TRAIN, {"backends"}}) {
                CliRun r = run(bad, args);
                assertEquals(2, r.exitCode(), r::err);
                assertEquals(1, r.err().strip().lines().count(), r::err);
                assertTrue(r.err().startsWith("wafer: WAFER_OPENCL_DEVICE: "), r::err);
                assertTrue(r.err().contains("platform=INDEX|NAME") && r.err().contains("'"), r::err);
                assertFalse(r.err().contains("internal error"), r::err);
            }
        }
    }

    @Test
    void selectionMatchingNoDeviceIsAnUnavailableBackend() {
        OpenClPlatform.require();
        for (String none : new String[] {"device=nvidia", "device=1", "platform=5", "platform=pocl", "device=-1",
                "platform=0,device=99999999999"}) {
            CliRun r = run(none, TRAIN);
            assertEquals(3, r.exitCode(), r::err);
            assertEquals(1, r.err().strip().lines().count(), r::err);
            assertTrue(r.err().startsWith("wafer: backend 'opencl' is unavailable: no OpenCL device matches"
                    + " WAFER_OPENCL_DEVICE"), r::err);
            assertTrue(r.err().contains("platform 0 '") && r.err().contains("device 0 '"), r::err);
            CliRun listed = run(none, "backends");
            assertEquals(0, listed.exitCode(), listed::err);
            assertTrue(listed.out().lines().anyMatch(l -> l.startsWith("opencl   unavailable  no OpenCL device"
                    + " matches WAFER_OPENCL_DEVICE")), listed::out);
        }
    }

    /** The example docs/cuda.md gives, by type; PoCL's platform by name; the device's type as a value. */
    @Test
    void deviceMatchesByTypeAndPlatformName() {
        OpenClPlatform.require();
        String type = dev.wafer.adapters.opencl.ClDeviceSelector.describeAll().get(0).replaceAll(".*\\((\\w+)\\)$",
                "$1").toLowerCase(java.util.Locale.ROOT);
        for (String good : new String[] {"platform=0,device=" + type, "device=0", ""}) {
            CliRun listed = run(good, "backends");
            assertTrue(listed.out().lines().anyMatch(l -> l.startsWith("opencl   available")), good + listed.out());
        }
    }
}
