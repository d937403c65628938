package dev.wafer.formats.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.schedule.DecayType;
import dev.wafer.domain.schedule.TrainingSchedule;
import dev.wafer.domain.session.DataKind;
import dev.wafer.domain.session.DataSpec;
import dev.wafer.domain.session.Precision;
import dev.wafer.domain.session.RunPosition;
import dev.wafer.domain.session.RunSpec;
import dev.wafer.domain.session.RunState;
import dev.wafer.domain.session.RunStateHeaders;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.ModelHeader;
import dev.wafer.ports.checkpoint.TensorSource;
import dev.wafer.ports.checkpoint.TensorSpec;
import dev.wafer.ports.checkpoint.TrainingHeader;

/**
 * Nothing the header writer accepts is refused by the reader. A maxGradNorm of +-Infinity or NaN was accepted, the
 * run trained, and every save replaced a good checkpoint with one that "is not a number" on open; a NUL in the data
 * path likewise. Such values are now refused where they are made (the domain's records) and, for a header built by
 * hand, by the save before anything is written; every value the domain accepts reads back equal.
 */
class CheckpointEdgeValuesTest {
    private static final List<TensorSource> TENSORS = List.of(
            TensorSource.of(new TensorSpec("params/wte", new int[] {2}), new float[] {1.5f, -2}));

    private final FileCheckpointStore store = new FileCheckpointStore();

    @TempDir
    Path dir;

    private static RunSpec spec(AdamWSettings adam, double peak, long seed, DataSpec data) {
        return new RunSpec(ModelShape.withHeads(29, 8, 1, 2, 16, 64), ParameterisationKind.SP, 8, 2,
                TrainingSchedule.ofSteps(peak, 1, 3, DecayType.LINEAR, 4, 8, 4), adam, seed, data, Precision.FP32,
                false);
    }

    static Stream<RunSpec> edgeSpecs() {
        DataSpec sample = DataSpec.of(DataKind.SAMPLE);
        AdamWSettings cerebras = AdamWSettings.cerebras(1e-8);
        return Stream.of(
                spec(new AdamWSettings(0.9, 0.95, 1e-8, 0.1, 0), 3e-3, 42, sample),
                spec(new AdamWSettings(0.9, 0.95, 1e-8, 0.1, -1), 3e-3, 42, sample),
                spec(new AdamWSettings(0.9, 0.95, 1e-8, 0.1, Double.MAX_VALUE), 3e-3, 42, sample),
                spec(new AdamWSettings(0, 0, 0, 0, Double.MIN_VALUE), 3e-3, 42, sample),
                spec(new AdamWSettings(Math.nextDown(1.0), Math.nextDown(1.0), 1e-300, 1e300, 1), 3e-3, 42, sample),
                spec(cerebras, 1e-320, Long.MIN_VALUE, sample),
                spec(cerebras, Double.MAX_VALUE, Long.MAX_VALUE, sample),
                spec(cerebras, 3e-3, 42, new DataSpec(DataKind.DATASET, "/d\u00e9j\u00e0/\"q\"\\\n\u2028\ud83d\ude00",
                        "fp\"\\\n\u0000\u00e9", "tok\u2028", "")),
                spec(cerebras, 3e-3, 42, new DataSpec(DataKind.SAMPLE, "", "x\ud800y", "", "")));
    }

    @ParameterizedTest
    @MethodSource("edgeSpecs")
    void everySpecTheDomainAcceptsReadsBackEqual(RunSpec spec) {
        Path file = dir.resolve("run.ckpt");
        RunState state = new RunState(spec, RunPosition.START);
        store.save(file, RunStateHeaders.of(state), TENSORS);
        try (CheckpointReader reader = store.open(file)) {
            assertEquals(state, RunStateHeaders.state(file, reader.header()));
        }
    }

    private static CheckpointHeader header(double maxGradNorm, double peak, String dataPath) {
        return new CheckpointHeader(new ModelHeader(29, 8, 1, 2, 16, 64, "sp", Optional.empty()), Optional.of(
                new TrainingHeader(new TrainingHeader.Schedule(peak, 0, 0, 32, "linear", 96,
                        List.of(new TrainingHeader.BatchPhase(0, 4))), 8, 2,
                        new TrainingHeader.Optimizer(0.9, 0.95, 1e-8, 0.1, maxGradNorm),
                        new TrainingHeader.Position(0, 0, 0, 0), new TrainingHeader.Data("dataset", dataPath, ""), 42,
                        "fp32", false)));
    }

    @Test
    void aHeaderTheReaderWouldRefuseIsRefusedBeforeThePreviousCheckpointIsReplaced() throws IOException {
        Path file = dir.resolve("run.ckpt");
        store.save(file, header(1, 3e-3, "/data"), TENSORS);
        byte[] before = Files.readAllBytes(file);
        assertEquals("checkpoint header field 'training.optimizer.max_grad_norm' is Infinity; a checkpoint records"
                + " finite numbers only", assertThrows(IllegalArgumentException.class,
                        () -> store.save(file, header(Double.POSITIVE_INFINITY, 3e-3, "/data"), TENSORS))
                        .getMessage());
        assertEquals("checkpoint header field 'training.schedule.peak_lr' is NaN; a checkpoint records finite"
                + " numbers only", assertThrows(IllegalArgumentException.class,
                        () -> store.save(file, header(1, Double.NaN, "/data"), TENSORS)).getMessage());
        assertEquals("checkpoint header field 'training.data.path' holds a NUL character (\\u0000), which no file"
                + " path holds", assertThrows(IllegalArgumentException.class,
                        () -> store.save(file, header(1, 3e-3, "/a\u0000b"), TENSORS)).getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left");
        }
    }
}
