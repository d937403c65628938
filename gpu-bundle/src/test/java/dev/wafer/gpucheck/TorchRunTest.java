package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyTorch anchor with a torch too old for its model (Debian's python3-torch is 1.13: no
 * scaled_dot_product_attention, no torch.compile): the script says so at once and exits 4, so the rehearsal runs its
 * labelled stand-in and a GPU run records why, instead of a traceback from the first step. A fake torch package on
 * PYTHONPATH plays the old one.
 */
class TorchRunTest {

    private static final Path SCRIPT = Path.of("src/main/bundle/bench_torch_cuda.py");
    private static final Path STAND_IN = Path.of("src/main/bundle/torch_standin.py");
    private static final BenchCase CASE = BenchCase.rehearsal("cpu").get(0);

    /** A package called torch that imports, as torch 1.13 does, but has neither of the 2.0 features. */
    private static Map<String, String> oldTorch(Path dir) throws IOException {
        Path torch = Files.createDirectories(dir.resolve("torch"));
        Files.writeString(torch.resolve("__init__.py"), "__version__ = '1.13.1'\nfrom . import nn\n");
        Path nn = Files.createDirectories(torch.resolve("nn"));
        Files.writeString(nn.resolve("__init__.py"), "from . import functional\n");
        Files.writeString(nn.resolve("functional.py"), "def gelu(x):\n    return x\n");
        return Map.of("PYTHONPATH", dir.toString());
    }

    private static void requirePython() {
        Assumptions.assumeTrue(BundleLauncher.pythonOnPath(), "python3 is not on this machine's PATH");
    }

    @Test
    void inTheRehearsalAnOldTorchGivesWayToTheLabelledStandIn(@TempDir Path tmp) throws IOException {
        requirePython();
        TorchRun run = TorchRun.run(SCRIPT, STAND_IN, "cpu", CASE, false, oldTorch(tmp), Duration.ofSeconds(60));
        assertTrue(run.standIn().contains("torch 1.13.1 is too old (2.0 or later needed): it has no"
                + " torch.nn.functional.scaled_dot_product_attention"), run.standIn());
        assertFalse(run.standIn().contains("torch.compile"), "eager needs no torch.compile: " + run.standIn());
        assertTrue(run.ok(), run.run().output());
        assertEquals(Boolean.TRUE, run.line().value().orElseThrow().path("stand_in").asBoolean(),
                run.line().raw());
    }

    @Test
    void onAGpuAnOldTorchIsRecordedWithWhatItLacks(@TempDir Path tmp) throws IOException {
        requirePython();
        TorchRun run = TorchRun.run(SCRIPT, null, "cpu", CASE, true, oldTorch(tmp), Duration.ofSeconds(60));
        assertEquals(TorchRun.NO_TORCH, run.run().exitCode(), run.run().output());
        assertEquals("", run.standIn());
        assertFalse(run.ok());
        assertEquals("torch 1.13.1 is too old (2.0 or later needed): it has no"
                + " torch.nn.functional.scaled_dot_product_attention and no torch.compile",
                run.line().text("error").orElseThrow(), run.line().raw());
    }
}
