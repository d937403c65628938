package dev.wafer.domain.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.schedule.DecayType;
import dev.wafer.domain.schedule.TrainingSchedule;
import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.ports.checkpoint.CheckpointException.Problem;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.TensorSource;
import dev.wafer.ports.checkpoint.TensorSpec;

/**
 * The in-memory store keeps the contract FileCheckpointStore enforces, with its messages: before, a duplicate name
 * was stored (a read returned the other tensor's data), a destination of the wrong size overflowed or was left half
 * filled, a closed reader kept reading, and a shape mismatch said only the tensor's name.
 */
class InMemoryCheckpointStoreTest {
    private static final Path FILE = Path.of("memory", "run.ckpt");
    private static final TensorSource A = TensorSource.of(new TensorSpec("a", new int[] {2, 2}), new float[] {1, 2, 3, 4});
    private static final TensorSource OTHER_A = TensorSource.of(new TensorSpec("a", new int[] {3}), new float[] {7, 8, 9});

    private final InMemoryCheckpointStore store = new InMemoryCheckpointStore();

    private static CheckpointHeader header() {
        RunSpec spec = new RunSpec(ModelShape.withHeads(29, 8, 1, 2, 16, 64), ParameterisationKind.SP, 8, 2,
                TrainingSchedule.ofSteps(3e-3, 1, 3, DecayType.LINEAR, 4, 8, 4), AdamWSettings.cerebras(1e-8), 1,
                DataSpec.of(DataKind.SAMPLE), Precision.FP32, false);
        return RunStateHeaders.of(new RunState(spec, RunPosition.START));
    }

    @Test
    void aDuplicateTensorNameIsRefusedAndThePreviousCheckpointKept() {
        store.save(FILE, header(), List.of(A));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> store.save(FILE, header(), List.of(A, OTHER_A)));
        assertEquals("tensor name 'a' appears twice in one checkpoint", e.getMessage());
        try (CheckpointReader r = store.open(FILE)) {
            assertArrayEquals(new float[] {1, 2, 3, 4}, r.read("a"));
            assertEquals(1, store.saves());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 6})
    void aDestinationOfAnotherSizeIsRefusedAndLeftUntouched(int room) {
        store.save(FILE, header(), List.of(A));
        try (CheckpointReader r = store.open(FILE)) {
            FloatBuffer destination = FloatBuffer.allocate(room);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.read("a", destination));
            assertEquals("tensor 'a' has 4 elements but the destination has room for " + room, e.getMessage());
            assertEquals(0, destination.position());
        }
    }

    @Test
    void aClosedReaderRefusesTensorDataNamingTheCheckpoint() {
        store.save(FILE, header(), List.of(A));
        CheckpointReader r = store.open(FILE);
        r.close();
        String expected = "the checkpoint reader of " + FILE + " is closed";
        assertEquals(expected, assertThrows(IllegalStateException.class, () -> r.read("a")).getMessage());
        assertEquals(expected, assertThrows(IllegalStateException.class,
                () -> r.read("a", FloatBuffer.allocate(4))).getMessage());
    }

    @Test
    void aShapeMismatchOrMissingTensorIsSaidAsTheFileStoreSaysIt() {
        store.save(FILE, header(), List.of(A));
        try (CheckpointReader r = store.open(FILE)) {
            CheckpointException shape = assertThrows(CheckpointException.class, () -> r.require("a", 4));
            assertEquals(Problem.SHAPE_MISMATCH, shape.problem());
            assertEquals("checkpoint " + FILE + ": tensor 'a' has shape [2, 2] but [4] is required",
                    shape.getMessage());
            CheckpointException missing = assertThrows(CheckpointException.class, () -> r.read("b"));
            assertEquals(Problem.MISSING_TENSOR, missing.problem());
            assertEquals("checkpoint " + FILE + ": tensor 'b' is missing (the checkpoint has 1 tensors, e.g. 'a')",
                    missing.getMessage());
            assertEquals(r.tensors(), List.of(A.spec()));
        }
    }
}
