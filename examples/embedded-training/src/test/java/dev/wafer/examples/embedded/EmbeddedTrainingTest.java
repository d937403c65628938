package dev.wafer.examples.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.domain.session.RunPosition;
import dev.wafer.formats.checkpoint.FileCheckpointStore;
import dev.wafer.domain.session.RunState;
import dev.wafer.domain.session.RunStateHeaders;
import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.TensorSource;
import dev.wafer.ports.checkpoint.TensorSpec;

/** The embedded example trains, checkpoints atomically and resumes exactly, with ports, domain and the CPU adapter. */
class EmbeddedTrainingTest {
    @TempDir
    Path dir;

    @Test
    void trainsAndResumesBitForBit() {
        EmbeddedTraining.Result r = EmbeddedTraining.run(dir, 17, new FileCheckpointStore());
        double[] full = r.uninterrupted();
        assertEquals(EmbeddedTraining.STEPS, full.length);
        assertEquals(EmbeddedTraining.STEPS, r.resumed().length);
        // Byte-level text starts near ln(257) = 5.55; the repetitive corpus is learned well below that.
        assertTrue(full[0] > 5 && full[full.length - 1] < full[0] - 1.5,
                "seed " + EmbeddedTraining.SEED + ": loss " + full[0] + " -> " + full[full.length - 1]);
        assertArrayEquals(full, r.resumed(), 0.0, "seed " + EmbeddedTraining.SEED + ": resumed after step 17");
        assertTrue(r.resumeIsExact());
        assertEquals(List.of(r.checkpoint()), files(), "only the checkpoint, no temporary file, is left");
    }

    @Test
    void checkpointHoldsTheFinishedRunState() {
        EmbeddedTraining.Result r = EmbeddedTraining.run(dir, 5, new FileCheckpointStore());
        try (CheckpointReader reader = new FileCheckpointStore().open(r.checkpoint())) {
            RunState state = RunStateHeaders.state(r.checkpoint(), reader.header());
            RunPosition p = state.position();
            // The header round-trips through the store: it equals the one the domain builds for the same state.
            assertEquals(RunStateHeaders.of(new RunState(EmbeddedTraining.spec(), p)), reader.header());
            assertEquals(EmbeddedTraining.STEPS, p.step());
            assertEquals(EmbeddedTraining.STEPS, p.adamSteps());
            assertEquals((long) EmbeddedTraining.STEPS * EmbeddedTraining.BATCH, p.dataPosition());
            for (String prefix : List.of("params/", "adam_m/", "adam_v/")) {
                assertTrue(reader.tensors().stream().anyMatch(t -> t.name().startsWith(prefix)),
                        prefix + " tensors in " + reader.tensors());
            }
        }
    }

    @Test
    void mainPrintsTheLossesAndTheVerdict() throws IOException {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            EmbeddedTraining.main(new String[] {dir.toString()});
        } finally {
            System.setOut(original);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(EmbeddedTraining.STEPS, text.lines().filter(l -> l.startsWith("step ")).count(), text);
        assertTrue(text.contains("<- checkpoint") && text.strip().endsWith("bit for bit"), text);
    }

    @Test
    void damagedOrForeignFilesAreRejected() throws IOException {
        FileCheckpointStore store = new FileCheckpointStore();
        Path file = dir.resolve("c.ckpt");
        TensorSpec spec = new TensorSpec("params/w", new int[] {2, 3});
        store.save(file, header(), List.of(TensorSource.of(spec, new float[] {1, 2, 3, 4, 5, 6})));
        try (CheckpointReader reader = store.open(file)) {
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, reader.read("params/w"));
            FloatBuffer into = FloatBuffer.allocate(6);
            reader.read("params/w", into);
            assertEquals(6f, into.get(5));
            assertEquals(CheckpointException.Problem.SHAPE_MISMATCH,
                    assertThrows(CheckpointException.class, () -> reader.require("params/w", 3, 2)).problem());
            assertEquals(CheckpointException.Problem.MISSING_TENSOR,
                    assertThrows(CheckpointException.class, () -> reader.read("params/x")).problem());
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        assertEquals(CheckpointException.Problem.CHECKSUM_MISMATCH,
                assertThrows(CheckpointException.class, () -> store.open(file)).problem());
        Files.writeString(file, "not a checkpoint at all");
        assertEquals(CheckpointException.Problem.WRONG_MAGIC,
                assertThrows(CheckpointException.class, () -> store.open(file)).problem());
    }

    @Test
    void failedSaveLeavesThePreviousCheckpointUntouched() throws IOException {
        FileCheckpointStore store = new FileCheckpointStore();
        Path file = dir.resolve("c.ckpt");
        TensorSpec spec = new TensorSpec("params/w", new int[] {2});
        store.save(file, header(), List.of(TensorSource.of(spec, new float[] {1, 2})));
        byte[] before = Files.readAllBytes(file);
        TensorSource failing = new TensorSource() {
            @Override
            public TensorSpec spec() {
                return spec;
            }

            @Override
            public void copyTo(long firstElement, FloatBuffer destination) {
                throw new IllegalStateException("device lost");
            }
        };
        assertThrows(IllegalStateException.class, () -> store.save(file, header(), List.of(failing)));
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of(file), files(), "the temporary file is removed");
    }

    private static CheckpointHeader header() {
        return RunStateHeaders.of(new RunState(EmbeddedTraining.spec(), RunPosition.START));
    }

    private List<Path> files() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
