package dev.wafer.domain.session;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.CheckpointStore;
import dev.wafer.ports.checkpoint.TensorSource;
import dev.wafer.ports.checkpoint.TensorSpec;

/**
 * A checkpoint store that keeps checkpoints in memory, keyed by path: for a library user without the file format of
 * {@code formats} (tests, or a run that only needs to survive within its process), and for the backend suite's
 * resume check. A save replaces the checkpoint at the same path. Not thread-safe.
 */
public final class InMemoryCheckpointStore implements CheckpointStore {
    private record Saved(CheckpointHeader header, Map<String, float[]> tensors, List<TensorSpec> specs) {
    }

    private final Map<Path, Saved> files = new HashMap<>();
    private int saves;

    /** An empty store: no file saved yet. */
    public InMemoryCheckpointStore() {
    }

    /** Checkpoints saved so far. */
    public int saves() {
        return saves;
    }

    @Override
    public void save(Path file, CheckpointHeader header, List<? extends TensorSource> tensors) {
        Map<String, float[]> data = new LinkedHashMap<>();
        List<TensorSpec> specs = new ArrayList<>();
        for (TensorSource t : tensors) {
            float[] a = new float[Math.toIntExact(t.spec().elementCount())];
            t.copyTo(0, FloatBuffer.wrap(a));
            data.put(t.spec().name(), a);
            specs.add(t.spec());
        }
        files.put(file, new Saved(header, data, specs));
        saves++;
    }

    @Override
    public CheckpointReader open(Path file) {
        Saved s = files.get(file);
        if (s == null) {
            throw new CheckpointException(CheckpointException.Problem.IO, file, "no such checkpoint");
        }
        return new CheckpointReader() {
            @Override
            public CheckpointHeader header() {
                return s.header();
            }

            @Override
            public int formatVersion() {
                return 1;
            }

            @Override
            public List<TensorSpec> tensors() {
                return s.specs();
            }

            @Override
            public Optional<TensorSpec> find(String name) {
                return s.specs().stream().filter(t -> t.name().equals(name)).findFirst();
            }

            @Override
            public TensorSpec require(String name, int... shape) {
                TensorSpec t = find(name).orElseThrow(() -> new CheckpointException(
                        CheckpointException.Problem.MISSING_TENSOR, file, name));
                if (!t.hasShape(shape)) {
                    throw new CheckpointException(CheckpointException.Problem.SHAPE_MISMATCH, file, name);
                }
                return t;
            }

            @Override
            public void read(String name, FloatBuffer destination) {
                destination.put(read(name));
            }

            @Override
            public float[] read(String name) {
                float[] a = s.tensors().get(name);
                if (a == null) {
                    throw new CheckpointException(CheckpointException.Problem.MISSING_TENSOR, file, name);
                }
                return a.clone();
            }

            @Override
            public long contentChecksum() {
                // As a file's: the CRC-32C of each tensor's little-endian bytes, then of those checksums.
                java.util.zip.CRC32C all = new java.util.zip.CRC32C();
                for (TensorSpec t : s.specs()) {
                    float[] a = s.tensors().get(t.name());
                    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(4 * a.length)
                            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    bytes.asFloatBuffer().put(a);
                    java.util.zip.CRC32C one = new java.util.zip.CRC32C();
                    one.update(bytes);
                    all.update(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                            .putInt((int) one.getValue()).flip());
                }
                return all.getValue();
            }

            @Override
            public void close() {
            }
        };
    }
}
