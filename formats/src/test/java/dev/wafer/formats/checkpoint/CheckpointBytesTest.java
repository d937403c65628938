package dev.wafer.formats.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.ModelHeader;
import dev.wafer.ports.checkpoint.TensorSource;
import dev.wafer.ports.checkpoint.TensorSpec;
import dev.wafer.ports.checkpoint.TrainingHeader;

/**
 * Checkpoint files are the same bytes as the release that wrote them: the SHA-256 of two files (a full training
 * header with awkward strings and numbers, and a model-only one) recorded when the header was written by Jackson.
 * A change of key order, number formatting or string escaping changes them.
 */
class CheckpointBytesTest {
    @TempDir
    Path dir;

    private static List<TensorSource> tensors() {
        float[] a = new float[7 * 5];
        float[] b = new float[13];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) Math.sin(i) * 1e-3f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = -i / 3f;
        }
        return List.of(TensorSource.of(new TensorSpec("params/wte", new int[] {7, 5}), a),
                TensorSource.of(new TensorSpec("adam/m/wte \"odd\" ✓", new int[] {13}), b));
    }

    private static CheckpointHeader training() {
        TrainingHeader t = new TrainingHeader(
                new TrainingHeader.Schedule(1.0 / 3, 0.1 / 3, 374_784_000, 1.846e9, "cosine", 257.1e9,
                        List.of(new TrainingHeader.BatchPhase(0, 720), new TrainingHeader.BatchPhase(84.05e9, 1080))),
                2048, 24, new TrainingHeader.Optimizer(0.9, 0.95, 1e-9, 0.1, 1.0),
                new TrainingHeader.Position(1234, 5_000_000_000L, 1233, 987_654_321_012L, 65536.0, 17),
                new TrainingHeader.Data("dataset", "/data/p\u00efle \"q\"\\ \t\n\u0001\u001f\u007f \u2713 \ud83d\ude00 </x>",
                        "manifest-sha256:0f1e"), -7046029254386353131L, "bf16", true, true);
        return new CheckpointHeader(new ModelHeader(50257, 2048, 2, 4, 128, 512, "mup",
                Optional.of("hf:gpt2 \u00e9")), Optional.of(t));
    }

    private String sha256(CheckpointHeader header) throws Exception {
        Path file = dir.resolve("c.wafer");
        new FileCheckpointStore().save(file, header, tensors());
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void aTrainingCheckpointKeepsItsBytes() throws Exception {
        assertEquals("7e3a44a7b4d354c67cf994ba4c66c2becd7096b802a6c03baf05d141ee8e3088", sha256(training()));
    }

    @Test
    void aModelOnlyCheckpointKeepsItsBytes() throws Exception {
        assertEquals("c4db845a31be56ad1510fb186c6b8a6599dbbd05c9e46cc7ff2c159522ca41a9", sha256(CheckpointHeader.modelOnly(new ModelHeader(97, 16, 1, 2, 8, 32, "sp",
                Optional.empty()))));
    }
}
