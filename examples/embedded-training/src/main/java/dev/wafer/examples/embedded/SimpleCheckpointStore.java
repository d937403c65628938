package dev.wafer.examples.embedded;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.ports.checkpoint.CheckpointException.Problem;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.CheckpointStore;
import dev.wafer.ports.checkpoint.ModelHeader;
import dev.wafer.ports.checkpoint.TensorSource;
import dev.wafer.ports.checkpoint.TensorSpec;
import dev.wafer.ports.checkpoint.TrainingHeader;

/**
 * A small {@link CheckpointStore} of the example's own, to show that the port is all an embedding application needs
 * (the app's store, with JSON headers and per-tensor checksums, is not on this class path). The format is a
 * big-endian {@link DataOutputStream}: magic, version, the header fields, then every tensor (name, shape, float32
 * values), then a CRC-32 of everything before it.
 *
 * <p>Saving is atomic: the file is written beside its destination under a temporary name, forced to disk, and
 * moved over the destination in one step, so a crash leaves either the old or the new checkpoint, never half of one.
 * Opening reads and verifies the whole file (checkpoints of embedded models are small) before returning.
 */
public final class SimpleCheckpointStore implements CheckpointStore {
    /** The first eight bytes of every file. */
    static final long MAGIC = 0x5741464552455831L; // "WAFEREX1"
    /** The format version this store writes and reads. */
    static final int VERSION = 1;
    private static final int CHUNK = 4096;

    @Override
    public void save(Path file, CheckpointHeader header, List<? extends TensorSource> tensors) {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
            try (FileOutputStream fileOut = new FileOutputStream(temp.toFile())) {
                CRC32 crc = new CRC32();
                DataOutputStream out = new DataOutputStream(new CheckedOutputStream(
                        new BufferedOutputStream(fileOut, 1 << 16), crc));
                out.writeLong(MAGIC);
                out.writeInt(VERSION);
                writeHeader(out, header);
                writeTensors(out, tensors);
                out.flush();
                // The checksum covers every byte above; it is not itself checksummed.
                DataOutputStream tail = new DataOutputStream(fileOut);
                tail.writeLong(crc.getValue());
                tail.flush();
                fileOut.getChannel().force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new CheckpointException(Problem.IO, file, "the file system cannot replace files atomically", e);
            }
            temp = null;
        } catch (IOException e) {
            throw new CheckpointException(Problem.IO, file, "cannot write: " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // The original failure is the one to report; a stray temporary file is harmless.
                }
            }
        }
    }

    @Override
    public CheckpointReader open(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CheckpointException(Problem.IO, file, "cannot read: " + e.getMessage(), e);
        }
        if (bytes.length < Long.BYTES || readLong(bytes, 0) != MAGIC) {
            throw new CheckpointException(Problem.WRONG_MAGIC, file, "not a checkpoint of the embedded example");
        }
        if (bytes.length < 2 * Long.BYTES + Integer.BYTES) {
            throw new CheckpointException(Problem.TRUNCATED, file, "only " + bytes.length + " bytes");
        }
        int body = bytes.length - Long.BYTES;
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, body);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, body))) {
            in.readLong();
            int version = in.readInt();
            if (version > VERSION) {
                throw new CheckpointException(Problem.NEWER_VERSION, file, "format version " + version
                        + " is newer than " + VERSION);
            }
            if (crc.getValue() != readLong(bytes, body)) {
                throw new CheckpointException(Problem.CHECKSUM_MISMATCH, file, "the file is damaged");
            }
            CheckpointHeader header = readHeader(in);
            Map<String, Stored> tensors = new LinkedHashMap<>();
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                TensorSpec spec = new TensorSpec(in.readUTF(), readInts(in));
                float[] values = new float[Math.toIntExact(spec.elementCount())];
                for (int j = 0; j < values.length; j++) {
                    values[j] = in.readFloat();
                }
                tensors.put(spec.name(), new Stored(spec, values));
            }
            if (in.available() != 0) {
                throw new CheckpointException(Problem.MALFORMED_HEADER, file, in.available()
                        + " unexpected bytes after the last tensor");
            }
            return new Reader(file, header, tensors);
        } catch (EOFException e) {
            throw new CheckpointException(Problem.TRUNCATED, file, "ends early", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException(Problem.MALFORMED_HEADER, file, e.getMessage(), e);
        }
    }

    private static void writeHeader(DataOutputStream out, CheckpointHeader header) throws IOException {
        ModelHeader m = header.model();
        for (int v : new int[] {m.vocab(), m.positions(), m.layers(), m.heads(), m.dModel(), m.dFfn()}) {
            out.writeInt(v);
        }
        out.writeUTF(m.parameterisation());
        writeOptional(out, m.importedFrom());
        out.writeBoolean(header.training().isPresent());
        if (header.training().isEmpty()) {
            return;
        }
        TrainingHeader t = header.training().get();
        TrainingHeader.Schedule s = t.schedule();
        out.writeDouble(s.peakLr());
        out.writeDouble(s.endLr());
        out.writeDouble(s.warmupTokens());
        out.writeDouble(s.decayTokens());
        out.writeUTF(s.decayType());
        out.writeDouble(s.totalTokens());
        out.writeInt(s.batchPhases().size());
        for (TrainingHeader.BatchPhase p : s.batchPhases()) {
            out.writeDouble(p.startTokens());
            out.writeInt(p.sequences());
        }
        out.writeInt(t.seqLength());
        out.writeInt(t.microBatch());
        TrainingHeader.Optimizer o = t.optimizer();
        for (double v : new double[] {o.beta1(), o.beta2(), o.eps(), o.weightDecay(), o.maxGradNorm()}) {
            out.writeDouble(v);
        }
        TrainingHeader.Position p = t.position();
        for (long v : new long[] {p.step(), p.tokens(), p.adamSteps(), p.dataPosition()}) {
            out.writeLong(v);
        }
        out.writeUTF(t.data().kind());
        out.writeUTF(t.data().path());
        out.writeUTF(t.data().fingerprint());
        out.writeLong(t.seed());
        out.writeUTF(t.precision());
        out.writeBoolean(t.skipNonFinite());
    }

    private static CheckpointHeader readHeader(DataInputStream in) throws IOException {
        ModelHeader model = new ModelHeader(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                in.readInt(), in.readUTF(), readOptional(in));
        if (!in.readBoolean()) {
            return CheckpointHeader.modelOnly(model);
        }
        double peak = in.readDouble();
        double end = in.readDouble();
        double warmup = in.readDouble();
        double decay = in.readDouble();
        String decayType = in.readUTF();
        double total = in.readDouble();
        int phaseCount = in.readInt();
        List<TrainingHeader.BatchPhase> phases = new ArrayList<>();
        for (int i = 0; i < phaseCount; i++) {
            phases.add(new TrainingHeader.BatchPhase(in.readDouble(), in.readInt()));
        }
        TrainingHeader.Schedule schedule = new TrainingHeader.Schedule(peak, end, warmup, decay, decayType, total,
                phases);
        int seqLength = in.readInt();
        int microBatch = in.readInt();
        TrainingHeader.Optimizer optimizer = new TrainingHeader.Optimizer(in.readDouble(), in.readDouble(),
                in.readDouble(), in.readDouble(), in.readDouble());
        TrainingHeader.Position position = new TrainingHeader.Position(in.readLong(), in.readLong(), in.readLong(),
                in.readLong());
        TrainingHeader.Data data = new TrainingHeader.Data(in.readUTF(), in.readUTF(), in.readUTF());
        long seed = in.readLong();
        String precision = in.readUTF();
        boolean skip = in.readBoolean();
        return new CheckpointHeader(model, Optional.of(new TrainingHeader(schedule, seqLength, microBatch, optimizer,
                position, data, seed, precision, skip)));
    }

    private static void writeTensors(DataOutputStream out, List<? extends TensorSource> tensors) throws IOException {
        out.writeInt(tensors.size());
        FloatBuffer chunk = FloatBuffer.allocate(CHUNK);
        for (TensorSource t : tensors) {
            TensorSpec spec = t.spec();
            out.writeUTF(spec.name());
            int[] shape = spec.shape();
            out.writeInt(shape.length);
            for (int d : shape) {
                out.writeInt(d);
            }
            for (long done = 0; done < spec.elementCount(); ) {
                chunk.clear();
                chunk.limit((int) Math.min(CHUNK, spec.elementCount() - done));
                t.copyTo(done, chunk);
                chunk.flip();
                while (chunk.hasRemaining()) {
                    out.writeFloat(chunk.get());
                }
                done += chunk.limit();
            }
        }
    }

    private static void writeOptional(DataOutputStream out, Optional<String> value) throws IOException {
        out.writeBoolean(value.isPresent());
        if (value.isPresent()) {
            out.writeUTF(value.get());
        }
    }

    private static Optional<String> readOptional(DataInputStream in) throws IOException {
        return in.readBoolean() ? Optional.of(in.readUTF()) : Optional.empty();
    }

    private static int[] readInts(DataInputStream in) throws IOException {
        int[] a = new int[in.readInt()];
        for (int i = 0; i < a.length; i++) {
            a[i] = in.readInt();
        }
        return a;
    }

    private static long readLong(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }

    private record Stored(TensorSpec spec, float[] values) {
    }

    /** A fully read and verified checkpoint; every tensor is in memory. */
    private static final class Reader implements CheckpointReader {
        private final Path file;
        private final CheckpointHeader header;
        private final Map<String, Stored> tensors;

        Reader(Path file, CheckpointHeader header, Map<String, Stored> tensors) {
            this.file = file;
            this.header = header;
            this.tensors = tensors;
        }

        @Override
        public CheckpointHeader header() {
            return header;
        }

        @Override
        public int formatVersion() {
            return VERSION;
        }

        @Override
        public List<TensorSpec> tensors() {
            return tensors.values().stream().map(Stored::spec).toList();
        }

        @Override
        public Optional<TensorSpec> find(String name) {
            return Optional.ofNullable(tensors.get(name)).map(Stored::spec);
        }

        @Override
        public TensorSpec require(String name, int... shape) {
            TensorSpec spec = find(name).orElseThrow(() -> new CheckpointException(Problem.MISSING_TENSOR, file,
                    "has no tensor " + name));
            if (!spec.hasShape(shape)) {
                throw new CheckpointException(Problem.SHAPE_MISMATCH, file, "tensor " + name + " has shape "
                        + spec.shapeText() + ", expected " + Arrays.toString(shape));
            }
            return spec;
        }

        @Override
        public void read(String name, FloatBuffer destination) {
            destination.put(stored(name).values());
        }

        @Override
        public float[] read(String name) {
            return stored(name).values().clone();
        }

        private Stored stored(String name) {
            Stored s = tensors.get(name);
            if (s == null) {
                throw new CheckpointException(Problem.MISSING_TENSOR, file, "has no tensor " + name);
            }
            return s;
        }

        @Override
        public void close() {
            // Nothing open: the file was read whole.
        }
    }
}
