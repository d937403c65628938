package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.domain.model.ParameterName;
import dev.wafer.domain.param.MupHyperparameters;
import dev.wafer.formats.hf.Gpt2HfDirectory;
import dev.wafer.formats.checkpoint.FileCheckpointStore;

/**
 * {@code --mup-base-lr}, {@code --mup-init-std} and {@code --mup-emb-mult}: shown by the dry run, refused in one
 * line for SP runs and non-positive values, recorded in the checkpoint, and fixed by it on resume.
 */
class MupFlagsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TRIPLE = {"--mup-base-lr", "0.01", "--mup-init-std", "0.05", "--mup-emb-mult", "4"};

    @TempDir
    Path tmp;

    private static String[] args(String... parts) {
        List<String> all = new ArrayList<>(List.of("train", "--synthetic", "--vocab", "64", "--d-model", "32",
                "--layers", "1", "--heads", "2", "--seq", "8", "--micro-batch", "2", "--batch", "2", "--seed", "3"));
        all.addAll(List.of(parts));
        return all.toArray(String[]::new);
    }

    private static String[] with(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }

    @Test
    void theDryRunShowsTheTriple() throws Exception {
        CliRun run = CliRun.of(with(args("--parameterisation", "mup", "--dry-run", "--no-measure", "--json"),
                TRIPLE));
        assertEquals(0, run.exitCode(), run.err());
        JsonNode r = JSON.readTree(run.out());
        assertEquals(0.01, r.get("mup_base_lr").asDouble());
        assertEquals(0.05, r.get("mup_init_std").asDouble());
        assertEquals(4.0, r.get("mup_emb_mult").asDouble());
        assertEquals(0.01, r.get("peak_lr").asDouble(), "η_base is the peak");
        CliRun text = CliRun.of(args("--parameterisation", "mup", "--dry-run", "--no-measure"));
        assertTrue(text.out().contains("mup_init_std") && text.out().contains("0.08"), text.out());
        JsonNode preset = JSON.readTree(CliRun.of("train", "--preset", "mup-proxy-128", "--mup-emb-mult", "5",
                "--dry-run", "--no-measure", "--json", "--synthetic").out());
        assertEquals(5.0, preset.get("mup_emb_mult").asDouble());
        assertEquals(5.0, preset.get("overrides").get("mup_emb_mult").asDouble());
        JsonNode sp = JSON.readTree(CliRun.of(args("--dry-run", "--no-measure", "--json")).out());
        assertTrue(sp.get("mup_base_lr") == null, "an SP run shows no triple");
    }

    @Test
    void refusalsNameTheFlag() {
        CliRun sp = CliRun.of(args("--mup-init-std", "0.05", "--steps", "1"));
        assertEquals(2, sp.exitCode());
        assertEquals("wafer: --mup-init-std applies to muP runs only, and this run is sp (give --parameterisation"
                + " mup or a muP preset)", sp.err().strip());
        CliRun zero = CliRun.of(args("--parameterisation", "mup", "--mup-emb-mult", "0", "--steps", "1"));
        assertEquals(2, zero.exitCode());
        assertEquals("wafer: --mup-emb-mult must be positive, found 0.0", zero.err().strip());
        CliRun both = CliRun.of(args("--parameterisation", "mup", "--mup-base-lr", "1e-3", "--lr", "1e-3"));
        assertEquals(2, both.exitCode());
        assertTrue(both.err().startsWith("wafer: --mup-base-lr and --lr"), both.err());
    }

    /**
     * The model applies the triple and the learning rate as 32-bit floats: --mup-emb-mult 1e-50 trained with a
     * multiplier of 0 (the checkpoint recording 1e-50), --lr 1e-50 trained nothing, and --mup-emb-mult 1e39 or
     * --mup-init-std 1e20 stopped at step 1 with a NaN loss. Each is refused in one line naming the flag and range.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0} {1}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "--mup-emb-mult | 1e-50 | --mup-emb-mult must be in [1e-6, 1e6] (the model applies it as a 32-bit float: far outside, it rounds to 0 or overflows), found 1.0E-50",
        "--mup-emb-mult | 1e39  | --mup-emb-mult must be in [1e-6, 1e6]",
        "--mup-init-std | 1e20  | --mup-init-std must be in [1e-6, 1e6]",
        "--mup-init-std | 9e-7  | --mup-init-std must be in [1e-6, 1e6]",
        "--mup-base-lr  | 1e-50 | --mup-base-lr must be in [1.1754944E-38, 3.4028235E38], the positive 32-bit floats the optimizer applies it as, found 1.0E-50",
        "--mup-base-lr  | 1e39  | --mup-base-lr must be in [1.1754944E-38, 3.4028235E38]",
        "--lr           | 1e-50 | --lr must be in [1.1754944E-38, 3.4028235E38]",
        "--lr           | 1e39  | --lr must be in [1.1754944E-38, 3.4028235E38]",
    })
    void valuesNoThirtyTwoBitFloatCarriesAreRefused(String flag, String value, String message) {
        CliRun run = CliRun.of(args("--parameterisation", "mup", flag, value, "--steps", "1", "--dry-run",
                "--no-measure"));
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().strip().startsWith("wafer: " + message), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        CliRun sp = CliRun.of(args("--lr", "1e-50", "--steps", "1", "--dry-run", "--no-measure"));
        assertTrue(sp.err().startsWith("wafer: --lr must be in"), "an SP run's --lr too: " + sp.err());
    }

    /** The ends of the ranges are taken. */
    @Test
    void theEndsOfTheRangesAreTaken() {
        CliRun run = CliRun.of(args("--parameterisation", "mup", "--mup-init-std", "1e-6", "--mup-emb-mult", "1e6",
                "--mup-base-lr", "3.4028235E38", "--steps", "1", "--dry-run", "--no-measure"));
        assertEquals(0, run.exitCode(), run.err());
        CliRun low = CliRun.of(args("--parameterisation", "mup", "--mup-init-std", "1e6", "--mup-emb-mult", "1e-6",
                "--lr", "1.1754944E-38", "--steps", "1", "--dry-run", "--no-measure"));
        assertEquals(0, low.exitCode(), low.err());
    }

    @Test
    void theCheckpointRecordsTheTripleAndResumeKeepsIt() throws Exception {
        Path full = tmp.resolve("full");
        Path part = tmp.resolve("part");
        String[] run = with(args("--parameterisation", "mup", "--steps", "4", "--json"), TRIPLE);
        CliRun whole = CliRun.of(with(run, "--out", full.toString()));
        assertEquals(0, whole.exitCode(), whole.err());
        CheckpointedModel model = CheckpointedModel.read(new FileCheckpointStore(), "--checkpoint", full);
        assertEquals(new MupHyperparameters(0.01, 0.05, 4), model.mup());
        assertEquals(4f, model.parameterisation().embeddingMultiplier(), "eval and generate use the run's m_emb");
        assertEquals(0, CliRun.of(with(run, "--out", part.toString(), "--stop-at", "2")).exitCode());
        CliRun refused = CliRun.of("train", "--resume", part.toString(), "--mup-emb-mult", "5");
        assertEquals(2, refused.exitCode());
        assertTrue(refused.err().startsWith("wafer: --mup-emb-mult cannot change on --resume"), refused.err());
        CliRun rest = CliRun.of("train", "--resume", part.toString(), "--json");
        assertEquals(0, rest.exitCode(), rest.err());
        assertEquals(losses(whole.out()).subList(2, 4), losses(rest.out()), "the resumed run keeps the triple");
        // export-hf folds the run's m_emb 4 (it refused every m_emb but 10 until 2026-12-07).
        Path hf = tmp.resolve("hf");
        CliRun export = CliRun.of("export-hf", "--checkpoint", full.toString(), "--out", hf.toString());
        assertEquals(0, export.exitCode(), export.err());
        float[] wte = model.params().get(ParameterName.WTE).clone();
        for (int i = 0; i < wte.length; i++) {
            wte[i] *= 4f;
        }
        assertArrayEquals(wte, Gpt2HfDirectory.read(hf).tensor("transformer.wte.weight").data());
    }

    private static List<String> losses(String out) throws Exception {
        List<String> l = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("{")) {
                JsonNode n = JSON.readTree(line);
                if (n.has("loss") && n.has("step")) {
                    l.add(n.get("loss").asText());
                }
            }
        }
        return l;
    }
}
