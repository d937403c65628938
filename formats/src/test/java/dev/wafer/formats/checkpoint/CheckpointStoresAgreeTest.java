package dev.wafer.formats.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.domain.session.InMemoryCheckpointStore;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.CheckpointStore;
import dev.wafer.ports.checkpoint.ModelHeader;
import dev.wafer.ports.checkpoint.TensorSource;
import dev.wafer.ports.checkpoint.TensorSpec;

/**
 * The in-memory store and the file store keep one contract (docs/embedding.md), checked side by side: a tensor source
 * that supplies fewer elements than its spec is refused with the same message (until 2026-12-08 the in-memory store
 * saved zeros for the rest), a null header is refused, and a checkpoint read back says the same format version
 * (the in-memory store said 1 where every checkpoint saved now is 2).
 */
class CheckpointStoresAgreeTest {
    private static final CheckpointHeader HEADER = new CheckpointHeader(
            new ModelHeader(7, 16, 2, 1, 5, 20, "sp", Optional.empty()), Optional.empty());
    private static final TensorSpec SPEC = new TensorSpec("params/short", new int[] {4});
    /** Supplies one element of its four, as a buggy source of an embedder's might. */
    private static final TensorSource SHORT = new TensorSource() {
        @Override
        public TensorSpec spec() {
            return SPEC;
        }

        @Override
        public void copyTo(long offset, FloatBuffer dst) {
            dst.put(1f);
        }
    };

    @Test
    void bothStoresRefuseAShortTensorSourceAlike(@TempDir Path tmp) {
        List<String> messages = new java.util.ArrayList<>();
        for (CheckpointStore store : new CheckpointStore[] {new FileCheckpointStore(), new InMemoryCheckpointStore()}) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> store.save(tmp.resolve("c.wafer"), HEADER, List.of(SHORT)), store.getClass().getName());
            messages.add(e.getMessage());
            assertThrows(NullPointerException.class, () -> store.save(tmp.resolve("d.wafer"), null,
                    List.of(TensorSource.of(SPEC, new float[4]))), store.getClass().getName());
        }
        assertEquals("tensor source params/short supplied 1 of 4 elements at element 0", messages.get(0));
        assertEquals(messages.get(0), messages.get(1));
    }

    @Test
    void aCheckpointReadBackSaysTheSameFormatVersionFromEitherStore(@TempDir Path tmp) throws Exception {
        int[] versions = new int[2];
        CheckpointStore[] stores = {new FileCheckpointStore(), new InMemoryCheckpointStore()};
        for (int i = 0; i < 2; i++) {
            Path file = tmp.resolve("v" + i + ".wafer");
            stores[i].save(file, HEADER, List.of(TensorSource.of(SPEC, new float[4])));
            try (CheckpointReader r = stores[i].open(file)) {
                versions[i] = r.formatVersion();
            }
        }
        assertEquals(CheckpointLayout.FORMAT_VERSION, versions[0]);
        assertEquals(versions[0], versions[1]);
    }
}
