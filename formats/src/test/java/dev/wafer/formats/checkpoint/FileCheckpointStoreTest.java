package dev.wafer.formats.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.ports.checkpoint.CheckpointException.Problem;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.ModelHeader;
import dev.wafer.ports.checkpoint.TrainingHeader;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.TensorSource;
import dev.wafer.ports.checkpoint.TensorSpec;

class FileCheckpointStoreTest {
    private static final long SEED = 20240501L;
    private final FileCheckpointStore store = new FileCheckpointStore();

    @TempDir
    Path dir;

    private static float[] random(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) rng.nextGaussian();
        }
        return out;
    }

    private static final float[] WTE = random(7 * 5, SEED);
    // Larger than one 1 MiB chunk, so streaming crosses chunk boundaries.
    private static final float[] BIG = random(300_001, SEED + 1);
    private static final float[] SCALAR = {3.5f};

    private static CheckpointHeader header() {
        // Values chosen to catch lossy JSON: a double that is not a short decimal, longs beyond 2^53, a negative seed.
        TrainingHeader training = new TrainingHeader(
                new TrainingHeader.Schedule(1.0 / 3, 0.1 / 3, 374_784_000, 1.846e9, "cosine", 257.1e9,
                        List.of(new TrainingHeader.BatchPhase(0, 720), new TrainingHeader.BatchPhase(84.05e9, 1080))),
                2048, 24, new TrainingHeader.Optimizer(0.9, 0.95, 1e-9, 0.1, 1.0),
                new TrainingHeader.Position(1234, 5_000_000_000L, 1233, 987_654_321_012L),
                new TrainingHeader.Data("dataset", "/data/pile", "sha256:0f1e"), -7046029254386353131L, "fp32", true);
        return new CheckpointHeader(new ModelHeader(7, 16, 2, 1, 5, 20, "mup", Optional.empty()),
                Optional.of(training));
    }

    private static List<TensorSource> tensors() {
        return List.of(
                TensorSource.of(new TensorSpec("params/wte", new int[] {7, 5}), WTE),
                TensorSource.of(new TensorSpec("adam/m/big", new int[] {300_001}), BIG),
                TensorSource.of(new TensorSpec("adam/step_scale", new int[] {}), SCALAR));
    }

    private Path saved() {
        Path file = dir.resolve("ckpt.wafer");
        store.save(file, header(), tensors());
        return file;
    }

    @Test
    void roundTripPreservesHeaderAndEveryFloatBitForBit() {
        Path file = saved();
        try (CheckpointReader reader = store.open(file)) {
            assertEquals(2, reader.formatVersion());
            assertEquals(header(), reader.header());
            assertEquals(List.of("params/wte", "adam/m/big", "adam/step_scale"),
                    reader.tensors().stream().map(TensorSpec::name).toList());
            assertArrayEquals(WTE, reader.read("params/wte"));
            assertArrayEquals(BIG, reader.read("adam/m/big"));
            assertArrayEquals(SCALAR, reader.read("adam/step_scale"));
            FloatBuffer direct = java.nio.ByteBuffer.allocateDirect(WTE.length * 4).asFloatBuffer();
            reader.read("params/wte", direct);
            assertEquals(WTE[34], direct.get(34));
            assertEquals(new TensorSpec("params/wte", new int[] {7, 5}), reader.require("params/wte", 7, 5));
        }
    }

    @Test
    void theMupTripleRoundTripsAndIsAbsentFromOlderHeaders() {
        Path file = dir.resolve("mup.wafer");
        ModelHeader.Mup triple = new ModelHeader.Mup(1.0 / 300, 0.05, 4.5);
        CheckpointHeader withTriple = new CheckpointHeader(new ModelHeader(7, 16, 2, 1, 5, 20, "mup",
                Optional.empty(), Optional.of(triple)), header().training());
        store.save(file, withTriple, tensors());
        try (CheckpointReader reader = store.open(file)) {
            assertEquals(Optional.of(triple), reader.header().model().mup());
            assertEquals(withTriple, reader.header());
        }
        try (CheckpointReader reader = store.open(saved())) {
            assertEquals(Optional.empty(), reader.header().model().mup(), "a header without the triple reads empty");
        }
    }

    @Test
    void everyTensorStartsOnA64ByteBoundary() throws IOException {
        Path file = saved();
        long size = Files.size(file);
        // header + 3 aligned tensors + footer; the big tensor is not a multiple of 64 bytes, so the scalar is padded.
        assertTrue(size > 4L * (35 + 300_001 + 1));
        try (CheckpointReader reader = store.open(file)) {
            assertEquals(3, reader.tensors().size());
        }
    }

    @Test
    void failedWriteLeavesThePreviousCheckpointAndNoTemporaryFile() throws IOException {
        Path file = saved();
        byte[] before = Files.readAllBytes(file);
        TensorSource failing = new TensorSource() {
            @Override
            public TensorSpec spec() {
                return new TensorSpec("params/wte", new int[] {400_000});
            }

            @Override
            public void copyTo(long firstElement, FloatBuffer destination) {
                if (firstElement > 0) {
                    throw new IllegalStateException("device lost");
                }
                destination.put(new float[destination.remaining()]);
            }
        };
        assertThrows(IllegalStateException.class, () -> store.save(file, header(), List.of(failing)));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    /**
     * A failed save says why in the operating system's words; it used to end with the path of the temporary file or
     * the exception's bare message (an AccessDeniedException's is only the path: "previous file left unchanged:
     * /run/.checkpoint.wafer.tmp-9f52c58b4ad8").
     */
    @Test
    void aFailedSaveGivesTheReasonNotAPath() throws IOException {
        Path notADir = Files.writeString(dir.resolve("plain"), "x");
        Path file = notADir.resolve("checkpoint.wafer");
        CheckpointException e = assertThrows(CheckpointException.class, () -> store.save(file, header(), tensors()));
        assertTrue(e.getMessage().endsWith("no checkpoint was saved (there was none before at this path): file exists"),
                e.getMessage());
    }

    @Test
    void saveReplacesAnExistingCheckpoint() {
        Path file = saved();
        float[] other = random(35, SEED + 9);
        store.save(file, header(), List.of(TensorSource.of(new TensorSpec("params/wte", new int[] {7, 5}), other)));
        try (CheckpointReader reader = store.open(file)) {
            assertArrayEquals(other, reader.read("params/wte"));
            assertEquals(1, reader.tensors().size());
        }
    }

    /** A closed reader used to fail as "reading tensor 'params/wte' failed: null" (a ClosedChannelException). */
    @Test
    void aClosedReaderRefusesTensorDataNamingTheFile() {
        Path file = saved();
        CheckpointReader reader = store.open(file);
        reader.close();
        String expected = "the checkpoint reader of " + file + " is closed";
        assertEquals(expected, assertThrows(IllegalStateException.class, () -> reader.read("params/wte"))
                .getMessage());
        assertEquals(expected, assertThrows(IllegalStateException.class,
                () -> reader.read("params/wte", FloatBuffer.allocate(35))).getMessage());
        assertEquals(3, reader.tensors().size(), "the tensor list stays readable");
    }

    @Test
    void duplicateTensorNamesAreRejected() {
        TensorSource a = TensorSource.of(new TensorSpec("x", new int[] {1}), new float[] {1});
        assertThrows(IllegalArgumentException.class, () -> store.save(dir.resolve("d"), header(), List.of(a, a)));
    }

    @Test
    void truncatedFilesAreNamedTruncated() throws IOException {
        Path file = saved();
        long size = Files.size(file);
        for (long cut : new long[] {size - 1, size - 12, size / 2, 100, 30, 20, 8}) {
            Path copy = dir.resolve("cut-" + cut);
            Files.copy(file, copy);
            try (RandomAccessFile raf = new RandomAccessFile(copy.toFile(), "rw")) {
                raf.setLength(cut);
            }
            CheckpointException e = assertThrows(CheckpointException.class, () -> store.open(copy), "cut at " + cut);
            assertEquals(Problem.TRUNCATED, e.problem(), "cut at " + cut + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains(copy.toString()), e.getMessage());
        }
    }

    @Test
    void wrongMagicSaysItIsNotACheckpoint() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Files.write(file, new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' ', 0, 0, 0, 0, 0, 0, 0, 0, 0});
        CheckpointException e = assertThrows(CheckpointException.class, () -> store.open(file));
        assertEquals(Problem.WRONG_MAGIC, e.problem());
        assertTrue(e.getMessage().contains("not a Wafer checkpoint"), e.getMessage());
    }

    @Test
    void newerVersionAsksToUpgrade() throws IOException {
        Path file = saved();
        // A file a newer Wafer wrote: the preamble's version and the checksummed header's agree.
        byte[] bytes = Files.readAllBytes(file);
        long headerBytes = java.nio.ByteBuffer.wrap(bytes, 16, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        String json = new String(bytes, CheckpointLayout.PREAMBLE_BYTES, (int) headerBytes,
                java.nio.charset.StandardCharsets.UTF_8);
        int at = json.indexOf("\"version\":2");
        assertTrue(at >= 0, json);
        bytes[CheckpointLayout.PREAMBLE_BYTES + at + "\"version\":".length()] = '3';
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, CheckpointLayout.PREAMBLE_BYTES, (int) headerBytes);
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(12, (int) crc.getValue())
                .putInt(8, 3);
        Files.write(file, bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> store.open(file));
        assertEquals(Problem.NEWER_VERSION, e.problem());
        assertTrue(e.getMessage().contains("version 3") && e.getMessage().contains("Upgrade"), e.getMessage());
    }

    @Test
    void aFlippedBitInTheVersionFieldIsDamageNotANewerWafer() throws IOException {
        Path file = saved();
        flip(file, 9); // version 2 reads 4098: the field is outside every checksum, the header says 2
        CheckpointException e = assertThrows(CheckpointException.class, () -> store.open(file));
        assertEquals(Problem.CHECKSUM_MISMATCH, e.problem(), e.getMessage());
        assertTrue(e.getMessage().contains("damaged") && !e.getMessage().contains("Upgrade"), e.getMessage());
        // With the header damaged as well, nothing confirms the version: both causes are named.
        flip(file, 40);
        CheckpointException both = assertThrows(CheckpointException.class, () -> store.open(file));
        assertTrue(both.getMessage().contains("newer Wafer") && both.getMessage().contains("damaged"),
                both.getMessage());
    }

    @Test
    void aDirectoryIsNotACheckpointRatherThanAFailingDisk() throws IOException {
        Path directory = Files.createDirectories(dir.resolve("isdir.wafer"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> store.open(directory));
        assertEquals(Problem.WRONG_MAGIC, e.problem(), "exit 2 like any wrong path, not 74");
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    @Test
    void missingTensorAndShapeMismatchNameTheTensor() {
        try (CheckpointReader reader = store.open(saved())) {
            CheckpointException missing = assertThrows(CheckpointException.class, () -> reader.require("adam/v/big", 300_001));
            assertEquals(Problem.MISSING_TENSOR, missing.problem());
            assertTrue(missing.getMessage().contains("'adam/v/big' is missing"), missing.getMessage());
            CheckpointException shape = assertThrows(CheckpointException.class, () -> reader.require("params/wte", 5, 7));
            assertEquals(Problem.SHAPE_MISMATCH, shape.problem());
            assertTrue(shape.getMessage().contains("'params/wte' has shape [7, 5] but [5, 7] is required"), shape.getMessage());
            assertThrows(CheckpointException.class, () -> reader.read("nope"));
        }
    }

    @Test
    void aFlippedBitInTensorDataIsBlamedOnThatTensor() throws IOException {
        Path file = saved();
        // The last bytes before the footer belong to the scalar; a byte in the middle belongs to the big tensor.
        long size = Files.size(file);
        flip(file, size / 2);
        CheckpointException e = assertThrows(CheckpointException.class, () -> store.open(file));
        assertEquals(Problem.CHECKSUM_MISMATCH, e.problem());
        assertTrue(e.getMessage().contains("tensor 'adam/m/big' [300001]"), e.getMessage());
    }

    @Test
    void aFlippedBitInTheHeaderIsReportedAsHeaderCorruption() throws IOException {
        Path file = saved();
        flip(file, 40);
        CheckpointException e = assertThrows(CheckpointException.class, () -> store.open(file));
        assertEquals(Problem.CHECKSUM_MISMATCH, e.problem());
        assertTrue(e.getMessage().contains("header checksum mismatch"), e.getMessage());
    }

    @Test
    void aFlippedBitInPaddingOrChecksumTableFailsTheWholeFileChecksum() throws IOException {
        Path file = saved();
        long size = Files.size(file);
        // Footer: 3 tensor CRCs (12 bytes), file CRC (4), end marker (8); flip the first tensor's stored CRC.
        flip(file, size - 24);
        CheckpointException tableFlip = assertThrows(CheckpointException.class, () -> store.open(file));
        assertEquals(Problem.CHECKSUM_MISMATCH, tableFlip.problem());
        assertTrue(tableFlip.getMessage().contains("params/wte"), tableFlip.getMessage());
        flip(file, size - 24);
        flip(file, size - 12); // the whole-file CRC itself
        CheckpointException whole = assertThrows(CheckpointException.class, () -> store.open(file));
        assertTrue(whole.getMessage().contains("whole-file checksum mismatch"), whole.getMessage());
    }

    @Test
    void theHeaderAloneIsReadWhateverTheTensorDataHolds() throws IOException {
        Path file = saved();
        long size = Files.size(file);
        flip(file, size / 2); // inside adam/m/big: open refuses it, the header is still the header
        assertThrows(CheckpointException.class, () -> store.open(file));
        assertEquals(header(), store.readHeader(file));
        // Cut inside the tensor data: were any tensor byte (or the footer) read, this would fail as truncated.
        Path cut = dir.resolve("cut.wafer");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(file), (int) (size / 2)));
        assertEquals(header(), store.readHeader(cut));
    }

    @Test
    void readingTheHeaderRefusesADamagedHeader() throws IOException {
        Path file = saved();
        flip(file, 40);
        CheckpointException e = assertThrows(CheckpointException.class, () -> store.readHeader(file));
        assertEquals(Problem.CHECKSUM_MISMATCH, e.problem());
        assertTrue(e.getMessage().contains("header checksum mismatch"), e.getMessage());
        Path cut = dir.resolve("short.wafer");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(saved()), 100));
        assertEquals(Problem.TRUNCATED, assertThrows(CheckpointException.class, () -> store.readHeader(cut)).problem());
    }

    @Test
    void aVersionOneHeaderIsReadAndVerifiedAloneToo() throws IOException {
        Path file = dir.resolve("v1.wafer");
        Files.copy(dev.wafer.formats.fixtures.FixtureFiles.file("legacy-checkpoint", "v1-step3-of6.wafer"), file);
        CheckpointHeader whole;
        try (CheckpointReader reader = store.open(file)) {
            assertEquals(1, reader.formatVersion());
            whole = reader.header();
        }
        long size = Files.size(file);
        Path cut = dir.resolve("v1-cut.wafer");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(file), (int) (size - 100)));
        assertEquals(whole, store.readHeader(cut));
        flip(file, 40);
        assertEquals(Problem.CHECKSUM_MISMATCH, assertThrows(CheckpointException.class,
                () -> store.readHeader(file)).problem());
    }

    @Test
    void trailingBytesAreRejected() throws IOException {
        Path file = saved();
        Files.write(file, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        CheckpointException e = assertThrows(CheckpointException.class, () -> store.open(file));
        assertTrue(e.getMessage().contains("3 unexpected bytes"), e.getMessage());
    }

    @Test
    void aFailedFirstSaveDoesNotClaimAPreviousFileWasKept() throws IOException {
        Path notADir = Files.writeString(dir.resolve("plain-file"), "x");
        Path file = notADir.resolve("checkpoint.wafer");
        CheckpointException e = assertThrows(CheckpointException.class, () -> store.save(file, header(), tensors()));
        assertEquals(Problem.IO, e.problem());
        assertTrue(e.getMessage().contains("no checkpoint was saved") && !e.getMessage().contains("previous file"),
                e.getMessage());
    }

    @Test
    void missingFileIsAnIoProblemNamingTheFile() {
        Path file = dir.resolve("absent.wafer");
        CheckpointException e = assertThrows(CheckpointException.class, () -> store.open(file));
        assertEquals(Problem.IO, e.problem());
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("does not exist"), e.getMessage());
    }

    private static void flip(Path file, long at) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x10);
        }
    }

    private static void patch(Path file, long at, byte value) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            raf.write(value);
        }
    }
}
