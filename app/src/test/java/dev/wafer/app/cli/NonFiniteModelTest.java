package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.formats.checkpoint.FileCheckpointStore;
import dev.wafer.formats.fixtures.FixtureFiles;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.TensorSource;
import dev.wafer.ports.checkpoint.TensorSpec;

/**
 * A model with a NaN or infinite parameter: every command that loads one refuses it in one line naming the tensor
 * (no stack trace), import-hf does not write one, and training that produces one stops with a non-zero exit instead
 * of saving it.
 */
class NonFiniteModelTest {
    private static final String[] T = {"--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "16", "--batch",
        "2", "--vocab", "512"};

    @TempDir
    Path tmp;

    private static CliRun train(String... args) {
        List<String> all = new ArrayList<>(List.of("train", "--synthetic"));
        all.addAll(List.of(T));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static void assertRefused(CliRun run, String... fragments) {
        assertEquals(2, run.exitCode(), run.out() + run.err());
        // Training prints its progress first; the error is then its one last line.
        String err = run.err().startsWith("training ") ? run.err().strip().lines().reduce((a, b) -> b).orElseThrow()
                : run.err();
        assertTrue(err.startsWith("wafer: ") && err.strip().lines().count() == 1, run.err());
        assertFalse(run.err().contains("\tat "), run.err());
        for (String f : fragments) {
            assertTrue(run.err().contains(f), "expected '" + f + "' in: " + run.err());
        }
    }

    @Test
    void trainingThatOverflowsTheParametersStopsWithoutSavingThem() throws IOException {
        // muP trains width 32's hidden tensors at 8 x lr: 3e38 (a float; 1e39 is refused as --lr) overflows them to
        // infinity at step 2, and the skipped step 3 finds them.
        Path inf = tmp.resolve("inf");
        assertRefused(train("--steps", "20", "--parameterisation", "mup", "--lr", "3e38", "--skip-nonfinite", "--out",
                inf.toString()), "step 3", "tensor params/", "not saved", "--lr");
        assertFalse(Files.exists(inf.resolve("checkpoint.wafer")), "a non-finite model was saved");
        assertRefused(train("--steps", "20", "--parameterisation", "mup", "--lr", "3e38", "--skip-nonfinite"),
                "tensor params/");
        // lr 1e30 leaves them finite but so large that every later loss is NaN: skipping gives up after 8.
        Path huge = tmp.resolve("huge");
        assertRefused(train("--steps", "20", "--lr", "1e30", "--skip-nonfinite", "--out", huge.toString()),
                "step 10", "8 steps were all skipped", "(--skip-nonfinite gives up after 8", "too high a --lr");
        assertFalse(Files.exists(huge.resolve("checkpoint.wafer")), "the broken model was saved");
        // Fewer skips than that: the run ends (exit 0) and says how many steps it skipped.
        CliRun few = train("--steps", "5", "--lr", "1e30", "--skip-nonfinite");
        assertEquals(0, few.exitCode(), few.err());
        assertTrue(few.err().contains("skipped 3 of the 5 steps run"), few.err());
    }

    @Test
    void aModelWhoseForwardPassOverflowsIsRefusedInOneLine() throws IOException {
        // Finite parameters of about 1e30 (lr 1e30, two steps): every logit is NaN.
        Path huge = tmp.resolve("huge");
        List<String> args = new ArrayList<>(List.of("train", "--synthetic", "--d-model", "32", "--layers", "1",
                "--heads", "2", "--seq", "16", "--batch", "2", "--steps", "2", "--lr", "1e30", "--out",
                huge.toString()));
        assertEquals(0, CliRun.of(args.toArray(String[]::new)).exitCode());
        Path text = Files.writeString(tmp.resolve("text.txt"), "some words to score and to sample from ".repeat(20));
        String c = huge.toString();
        assertRefused(CliRun.of("eval", "--checkpoint", c, "--data", text.toString()), "--checkpoint " + c,
                "non-finite", "broken");
        assertRefused(CliRun.of("eval", "--checkpoint", c, "--tasks", "builtin"), "--checkpoint " + c, "broken");
        assertRefused(CliRun.of("generate", "--checkpoint", c, "--prompt", "Hello", "--max-tokens", "2"),
                "--checkpoint " + c, "broken");
    }

    @Test
    void everyCommandThatLoadsAModelNamesItsNonFiniteTensor() throws IOException {
        Path run = tmp.resolve("run");
        assertEquals(0, train("--steps", "4", "--stop-at", "2", "--out", run.toString()).exitCode());
        Path ckpt = run.resolve("checkpoint.wafer");
        // The same checkpoint, with one element of the position embedding set to NaN.
        FileCheckpointStore store = new FileCheckpointStore();
        Path broken = tmp.resolve("broken/checkpoint.wafer");
        Files.createDirectories(broken.getParent());
        try (CheckpointReader reader = store.open(ckpt)) {
            List<TensorSource> tensors = new ArrayList<>();
            for (TensorSpec spec : reader.tensors()) {
                float[] data = reader.read(spec.name());
                if (spec.name().equals("params/wpe")) {
                    data[5] = Float.NaN;
                }
                tensors.add(TensorSource.of(spec, data));
            }
            store.save(broken, reader.header(), tensors);
        }
        Path text = Files.writeString(tmp.resolve("text.txt"), "some words to score and to sample from ".repeat(20));
        String c = broken.toString();
        assertRefused(CliRun.of("eval", "--checkpoint", c, "--data", text.toString()), "--checkpoint " + c,
                "params/wpe", "NaN", "element 5");
        assertRefused(CliRun.of("eval", "--checkpoint", c, "--tasks", "builtin"), "params/wpe");
        assertRefused(CliRun.of("generate", "--checkpoint", c, "--prompt", "Hello", "--max-tokens", "2"),
                "params/wpe");
        assertRefused(CliRun.of("audit", "memorization", "--checkpoint", c, "--dataset", tmp.resolve("ds").toString(),
                "--prefix", "4", "--suffix", "4"), "params/wpe");
        assertRefused(CliRun.of("export-hf", "--checkpoint", c, "--out", tmp.resolve("hf").toString()), "params/wpe");
        assertRefused(CliRun.of("train", "--resume", broken.getParent().toString()), "--resume", "params/wpe");
    }

    @Test
    void importHfRefusesASafetensorsFileHoldingANaN() throws IOException {
        Path from = Files.createDirectories(tmp.resolve("hf"));
        Path fixture = FixtureFiles.directory("hf-fixture/tiny-gpt2");
        for (String f : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(fixture.resolve(f), from.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        Path file = from.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = (int) b.getLong(0);
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, headerLength, StandardCharsets.UTF_8));
        String wpe = header.has("wpe.weight") ? "wpe.weight" : "transformer.wpe.weight";
        long start = header.path(wpe).path("data_offsets").get(0).asLong();
        b.putFloat((int) (8 + headerLength + start + 4 * 3), Float.NaN);
        Files.write(file, bytes);
        Path out = tmp.resolve("imported.wafer");
        assertRefused(CliRun.of("import-hf", "--from", from.toString(), "--out", out.toString()), "--from " + from,
                "params/wpe", "element 3");
        assertFalse(Files.exists(out));
    }
}
