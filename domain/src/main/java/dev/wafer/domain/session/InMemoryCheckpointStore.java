package dev.wafer.domain.session;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;

import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.CheckpointStore;
import dev.wafer.ports.checkpoint.TensorSource;
import dev.wafer.ports.checkpoint.TensorSpec;

/**
 * A checkpoint store that keeps checkpoints in memory, keyed by path: for a library user without the file format of
 * {@code formats} (tests, or a run that only needs to survive within its process), and for the backend suite's
 * resume check. A save replaces the checkpoint at the same path. It keeps the contract {@code FileCheckpointStore}
 * enforces, with the same messages: unique tensor names, a destination of exactly the tensor's size, no tensor data
 * after a reader's {@code close()}. Not thread-safe.
 */
public final class InMemoryCheckpointStore implements CheckpointStore {
    private record Saved(CheckpointHeader header, Map<String, float[]> tensors, List<TensorSpec> specs) {
    }

    /** The version {@code FileCheckpointStore} writes, which a checkpoint kept here stands for. */
    static final int CURRENT_FORMAT_VERSION = 2;

    private final Map<Path, Saved> files = new HashMap<>();
    private int saves;

    /** An empty store: no file saved yet. */
    public InMemoryCheckpointStore() {
    }

    /** Checkpoints saved so far. */
    public int saves() {
        return saves;
    }

    /**
     * Keeps a copy of every tensor under {@code file}, replacing what was there; nothing changes when a tensor source
     * fails or the names are not unique.
     *
     * @throws IllegalArgumentException for a tensor name given twice (a reader could return only one of them)
     */
    @Override
    public void save(Path file, CheckpointHeader header, List<? extends TensorSource> tensors) {
        java.util.Objects.requireNonNull(file, "file");
        java.util.Objects.requireNonNull(header, "header");
        java.util.Objects.requireNonNull(tensors, "tensors");
        Map<String, float[]> data = new LinkedHashMap<>();
        List<TensorSpec> specs = new ArrayList<>();
        for (TensorSource t : tensors) {
            if (data.containsKey(t.spec().name())) {
                throw new IllegalArgumentException("tensor name '" + t.spec().name()
                        + "' appears twice in one checkpoint");
            }
            float[] a = new float[Math.toIntExact(t.spec().elementCount())];
            FloatBuffer into = FloatBuffer.wrap(a);
            t.copyTo(0, into);
            if (into.position() != a.length) {
                // As the file store refuses it: a short source would be saved as zeros (until 2026-12-08 it was).
                throw new IllegalStateException("tensor source " + t.spec().name() + " supplied " + into.position()
                        + " of " + a.length + " elements at element 0");
            }
            data.put(t.spec().name(), a);
            specs.add(t.spec());
        }
        files.put(file, new Saved(header, data, List.copyOf(specs)));
        saves++;
    }

    @Override
    public CheckpointReader open(Path file) {
        Saved s = files.get(file);
        if (s == null) {
            throw new CheckpointException(CheckpointException.Problem.IO, file, "no such checkpoint");
        }
        return new Reader(file, s);
    }

    /** A reader that keeps {@code FileCheckpointStore}'s contract and messages, so both stores fail alike. */
    private static final class Reader implements CheckpointReader {
        private final Path file;
        private final Saved saved;
        private boolean closed;

        Reader(Path file, Saved saved) {
            this.file = file;
            this.saved = saved;
        }

        @Override
        public CheckpointHeader header() {
            return saved.header();
        }

        /** The file format's current version, 2: what a checkpoint saved now has (until 2026-12-08 it said 1). */
        @Override
        public int formatVersion() {
            return CURRENT_FORMAT_VERSION;
        }

        @Override
        public List<TensorSpec> tensors() {
            return saved.specs();
        }

        @Override
        public Optional<TensorSpec> find(String name) {
            return saved.specs().stream().filter(t -> t.name().equals(name)).findFirst();
        }

        @Override
        public TensorSpec require(String name, int... shape) {
            TensorSpec t = find(name).orElseThrow(() -> missing(name));
            if (!t.hasShape(shape)) {
                throw new CheckpointException(CheckpointException.Problem.SHAPE_MISMATCH, file, "tensor '" + name
                        + "' has shape " + t.shapeText() + " but " + Arrays.toString(shape) + " is required");
            }
            return t;
        }

        @Override
        public void read(String name, FloatBuffer destination) {
            float[] a = data(name);
            if (destination.remaining() != a.length) {
                throw new IllegalArgumentException("tensor '" + name + "' has " + a.length
                        + " elements but the destination has room for " + destination.remaining());
            }
            destination.put(a);
        }

        @Override
        public float[] read(String name) {
            return data(name).clone();
        }

        private float[] data(String name) {
            if (closed) {
                throw new IllegalStateException("the checkpoint reader of " + file + " is closed");
            }
            float[] a = saved.tensors().get(name);
            if (a == null) {
                throw missing(name);
            }
            return a;
        }

        private CheckpointException missing(String name) {
            List<TensorSpec> specs = saved.specs();
            return new CheckpointException(CheckpointException.Problem.MISSING_TENSOR, file, "tensor '" + name
                    + "' is missing (the checkpoint has " + specs.size() + " tensors"
                    + (specs.isEmpty() ? "" : ", e.g. '" + specs.get(0).name() + "'") + ")");
        }

        @Override
        public long contentChecksum() {
            // As a file's: the CRC-32C of each tensor's little-endian bytes, then of those checksums.
            CRC32C all = new CRC32C();
            for (TensorSpec t : saved.specs()) {
                float[] a = saved.tensors().get(t.name());
                ByteBuffer bytes = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(a);
                CRC32C one = new CRC32C();
                one.update(bytes);
                all.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) one.getValue()).flip());
            }
            return all.getValue();
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
