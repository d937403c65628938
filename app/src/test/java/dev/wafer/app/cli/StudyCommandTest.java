package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.formats.plot.StudyPlotsTest;

/** {@code wafer study ...} end to end on tiny configurations: exit code, JSON schema, files written. */
class StudyCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path dataset;

    @BeforeAll
    static void prepare() {
        dataset = tmp.resolve("bytes16");
        StudyData.bytes16(dataset);
    }

    private static String[] common(String study, Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("study", study, "--data", dataset.toString(), "--seq",
                "16", "--batch", "2", "--out", out.toString(), "--json", "--quiet"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void coordCheckJson() throws Exception {
        Path out = tmp.resolve("cc");
        CliRun run = CliRun.of(common("coord-check", out, "--parameterisation", "sp", "--widths", "32,64",
                "--steps", "3", "--d-head", "16", "--layers", "1", "--seeds", "2"));
        assertEquals(0, run.exitCode(), run.err());
        JsonNode root = JSON.readTree(run.out());
        assertEquals(root, JSON.readTree(out.resolve("coord-check-sp.json").toFile()));
        assertEquals("coord-check", root.get("study").asText());
        assertEquals("sp", root.get("parameterisation").asText());
        assertTrue(root.get("data").asText().contains("vocabulary 257"), root.get("data").asText());
        List<String> layers = List.of("embedding", "block0.attention", "block0.mlp", "logits");
        assertEquals(layers, JSON.convertValue(root.get("layers"), List.class));
        assertEquals(2, root.get("widths").size());
        for (JsonNode w : root.get("widths")) {
            assertEquals(3, w.get("steps").size());
            for (int t = 0; t < 3; t++) {
                JsonNode step = w.get("steps").get(t);
                assertEquals(t + 1, step.get("step").asInt());
                for (String l : layers) {
                    assertTrue(step.get("mean_abs").get(l).asDouble() > 0, l);
                }
            }
        }
        assertEquals(32, root.get("widths").get(0).get("width").asInt());
        assertTrue(root.get("last_step_ratio_largest_to_smallest_width").has("block0.mlp"));
        StudyPlotsTest.check(out.resolve("coord-check-sp.png"));
    }

    @Test
    void coordCheckTable() {
        CliRun run = CliRun.of("study", "coord-check", "--data", dataset.toString(), "--seq", "16", "--batch", "2",
                "--out", tmp.resolve("cct").toString(), "--quiet", "--widths", "32,64", "--steps", "2", "--d-head",
                "16", "--layers", "1");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("step 1 (initialisation)"), run.out());
        assertTrue(run.out().contains("ratio 64/32"), run.out());
        assertTrue(run.out().contains("tokenizer bytes-utf8, vocabulary 257"), run.out());
    }

    @Test
    void lrSweepJson() throws Exception {
        Path out = tmp.resolve("lr");
        CliRun run = CliRun.of(common("lr-sweep", out, "--parameterisation", "mup", "--widths", "32,64", "--lrs",
                "1e-3,1e-2", "--tokens", "320", "--d-head", "16", "--layers", "1", "--eval-sequences", "4"));
        assertEquals(0, run.exitCode(), run.err());
        JsonNode root = JSON.readTree(run.out());
        assertEquals(root, JSON.readTree(out.resolve("lr-sweep-mup.json").toFile()));
        assertEquals("lr-sweep", root.get("study").asText());
        assertEquals(320, root.get("tokens_per_run").asLong());
        assertEquals(10, root.get("steps_per_run").asLong());
        assertEquals("held-out", root.get("loss").asText());
        assertEquals(4, root.get("points").size());
        for (JsonNode p : root.get("points")) {
            for (String f : new String[] {"width", "params", "lr", "final_loss", "train_loss", "diverged"}) {
                assertTrue(p.has(f), f + " in " + p);
            }
            assertTrue(p.get("final_loss").asDouble() > 0 && p.get("final_loss").asDouble() < 8, p.toString());
        }
        assertEquals(2, root.get("best").size());
        assertTrue(root.get("best").get(0).get("best_lr").asDouble() > 0);
        StudyPlotsTest.check(out.resolve("lr-sweep-mup.png"));
    }

    @Test
    void scalingJson() throws Exception {
        Path out = tmp.resolve("scaling");
        CliRun run = CliRun.of(common("scaling", out, "--parameterisation", "sp", "--sizes", "16x1,32x1,48x1",
                "--tokens-per-param", "0.05", "--extra-tokens-per-param", "0.1", "--d-head", "16",
                "--eval-sequences", "4"));
        assertEquals(0, run.exitCode(), run.err());
        JsonNode root = JSON.readTree(run.out());
        assertEquals(root, JSON.readTree(out.resolve("scaling-sp.json").toFile()));
        assertEquals("scaling", root.get("study").asText());
        for (String f : new String[] {"a", "b", "c", "rms_residual"}) {
            assertTrue(root.get("fit").get(f).isNumber(), f);
        }
        assertEquals(4, root.get("models").size());
        for (JsonNode m : root.get("models")) {
            for (String f : new String[] {"d_model", "n_layers", "params", "tokens", "tokens_per_param",
                "training_flops", "loss", "predicted_loss", "deviation", "fitted"}) {
                assertTrue(m.has(f), f + " in " + m);
            }
            assertEquals(257, m.get("vocab_size").asInt());
            assertTrue(m.get("training_flops").asDouble() > 0);
        }
        assertTrue(root.get("models").get(0).get("fitted").asBoolean());
        assertTrue(!root.get("models").get(3).get("fitted").asBoolean());
        assertEquals(32, root.get("models").get(3).get("d_model").asInt(), "extra run defaults to the second size");
        StudyPlotsTest.check(out.resolve("scaling-sp.png"));
    }

    @Test
    void badInputIsOneLine() {
        CliRun run = CliRun.of("study", "coord-check", "--data", dataset.toString(), "--widths", "30,64",
                "--out", tmp.resolve("bad").toString());
        assertEquals(2, run.exitCode());
        assertEquals("wafer: --widths: 30 is not a positive multiple of --d-head 32", run.err().strip());
        run = CliRun.of("study", "scaling", "--data", dataset.toString(), "--seq", "16", "--sizes", "32x1,64",
                "--out", tmp.resolve("bad").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("wafer: --sizes: expected WIDTHxLAYERS"), run.err());
        run = CliRun.of("study", "scaling", "--quick", "--sizes", "32x1,48x1,64x1");
        assertEquals(2, run.exitCode());
    }
}
