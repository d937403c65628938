package dev.wafer.domain.session;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;

import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.CheckpointStore;
import dev.wafer.ports.checkpoint.TensorSource;

/**
 * The store of a rank that takes part in a sharded save without writing: it reads every tensor in order, in chunks,
 * as the writing rank's store does (which is what drives the collective gathering of the moments), and keeps nothing.
 */
final class ParticipantStore implements CheckpointStore {
    private static final int CHUNK = 1 << 16;
    private FloatBuffer chunk;

    @Override
    public void save(Path file, CheckpointHeader header, List<? extends TensorSource> tensors) {
        if (chunk == null) {
            chunk = FloatBuffer.allocate(CHUNK);
        }
        for (TensorSource t : tensors) {
            long n = t.spec().elementCount();
            for (long at = 0; at < n; at += CHUNK) {
                chunk.clear().limit((int) Math.min(CHUNK, n - at));
                t.copyTo(at, chunk);
            }
        }
    }

    @Override
    public CheckpointReader open(Path file) {
        throw new UnsupportedOperationException("a participating rank opens no checkpoints");
    }
}
