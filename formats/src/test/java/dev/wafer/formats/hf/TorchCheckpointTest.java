package dev.wafer.formats.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.formats.fixtures.FixtureFiles;

/**
 * PyTorch zip checkpoints ({@code pytorch_model.bin}) written by torch.save itself ({@code
 * hf-fixture/make_torch_fixture.py}, torch 1.13): read as the same model as the safetensors fixture, bit for bit;
 * every way a pickle can be something other than a state dict of tensors is refused in one line.
 */
class TorchCheckpointTest {
    private static final long SEED = 20261207L;

    @TempDir
    Path tmp;

    private static Path fixture(String name) {
        return FixtureFiles.directory("hf-fixture/" + name);
    }

    @Test
    void pytorchModelBinReadsAsTheSameModelAsItsSafetensors() {
        Gpt2Checkpoint safetensors = Gpt2HfDirectory.read(fixture("tiny-gpt2"));
        Gpt2Checkpoint torch = Gpt2HfDirectory.read(fixture("tiny-gpt2-torch"));
        assertEquals(safetensors.config(), torch.config());
        assertEquals(safetensors.tensors().keySet(), torch.tensors().keySet(), "causal-mask buffers skipped, head tied");
        safetensors.tensors().forEach((name, t) -> assertEquals(t, torch.tensor(name), name));
    }

    @Test
    void viewsIntoOneFlatStorageReadAsTheSameModel() {
        Gpt2Checkpoint safetensors = Gpt2HfDirectory.read(fixture("tiny-gpt2"));
        Gpt2Checkpoint flat = Gpt2HfDirectory.read(fixture("tiny-gpt2-torch-flat"));
        safetensors.tensors().forEach((name, t) -> assertEquals(t, flat.tensor(name), name));
    }

    @Test
    void broadcastAndOverlappingViewsReadAsTorchReadsThem() {
        Gpt2Checkpoint base = Gpt2HfDirectory.read(fixture("tiny-gpt2"));
        Gpt2Checkpoint odd = Gpt2HfDirectory.read(fixture("tiny-gpt2-torch-broadcast"));
        try (SafetensorsReader reference = SafetensorsReader.open(
                fixture("tiny-gpt2-torch-broadcast").resolve("broadcast-reference.safetensors"))) {
            for (String name : reference.shapes().keySet()) {
                assertArrayEquals(reference.readFloats(name), odd.tensor(name).data(), name);
            }
            base.tensors().forEach((name, t) -> {
                if (!reference.shapes().containsKey(name)) {
                    assertEquals(t, odd.tensor(name), name);
                }
            });
        }
    }

    @Test
    void shardedBfloat16ViewsReadAsTheBitsTorchRoundedTo() {
        Gpt2Checkpoint torch = Gpt2HfDirectory.read(fixture("tiny-gpt2-torch-sharded"));
        try (SafetensorsReader reference = SafetensorsReader.open(
                fixture("tiny-gpt2-torch-sharded").resolve("bf16-reference.safetensors"))) {
            assertEquals(reference.entries().size(), torch.tensors().size());
            for (SafetensorsEntry e : reference.entries()) {
                FloatTensor t = torch.tensor(Gpt2Layout.canonicalName(e.name()));
                assertArrayEquals(e.intShape(), t.shape(), e.name());
                // wpe is a transposed view (strides (1, 16)) and ln_f.bias a slice at offset 5 of its storage.
                assertArrayEquals(reference.readFloats(e.name()), t.data(), e.name());
            }
        }
    }

    @Test
    void aPickleThatWouldRunCodeIsRefusedNamingTheFunctionAndRunsNothing() throws IOException {
        Path marker = Path.of("/tmp/wafer-torch-fixture-executed");
        Files.deleteIfExists(marker);
        HfFormatException e = refused(fixture("torch-refusals").resolve("runs-code.bin"));
        assertTrue(e.getMessage().contains("'posix.system'") && e.getMessage().contains("never runs code"), e.getMessage());
        assertFalse(Files.exists(marker));
    }

    @Test
    void aTrainingCheckpointALegacyFileAndJunkAreRefusedInOneLine() throws IOException {
        assertTrue(refused(fixture("torch-refusals").resolve("training-checkpoint.bin")).getMessage()
                .contains("'model' is not a tensor"));
        assertTrue(refused(fixture("torch-refusals").resolve("legacy.bin")).getMessage()
                .contains("a pickle without a zip archive around it: torch.save wrote this format before PyTorch 1.6"));
        Path junk = Files.write(tmp.resolve("junk.bin"), "<html>Not Found</html>".getBytes(StandardCharsets.UTF_8));
        assertTrue(refused(junk).getMessage().contains("not a PyTorch zip checkpoint"));
        Path lfs = Files.writeString(tmp.resolve("lfs.bin"), "version https://git-lfs.github.com/spec/v1\n"
                + "oid sha256:0123\nsize 486189645\n");
        assertTrue(refused(lfs).getMessage().contains("a Git LFS pointer, not the checkpoint itself"));
        byte[] whole = Files.readAllBytes(fixture("tiny-gpt2-torch").resolve("pytorch_model.bin"));
        Path cut = Files.write(tmp.resolve("cut.bin"), java.util.Arrays.copyOf(whole, whole.length / 2));
        assertTrue(refused(cut).getMessage().contains("a zip file that is truncated or damaged"));
        Path zipOnly = tmp.resolve("zip.bin");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(zipOnly))) {
            zip.putNextEntry(new ZipEntry("readme.txt"));
        }
        assertTrue(refused(zipOnly).getMessage().contains("expected one <name>/data.pkl record, found 0"));
    }

    @Test
    void callingAStorageClassIsRefusedNamingIt() throws IOException {
        // GLOBAL 'torch FloatStorage', EMPTY_TUPLE, REDUCE, STOP: a call a state dict never makes.
        byte[] pickle = "\u0080\u0002ctorch\nFloatStorage\n)R.".getBytes(StandardCharsets.ISO_8859_1);
        Path file = rewrite(fixture("tiny-gpt2-torch").resolve("pytorch_model.bin"), tmp.resolve("call.bin"),
                "pytorch_model/data.pkl", pickle);
        assertTrue(refused(file).getMessage().contains("holds a call of torch.FloatStorage"));
    }

    @Test
    void aMissingOrShortStorageRecordIsNamed() throws IOException {
        Path source = fixture("tiny-gpt2-torch").resolve("pytorch_model.bin");
        Path missing = rewrite(source, tmp.resolve("missing.bin"), "pytorch_model/data/3", null);
        HfFormatException e = refused(missing);
        assertTrue(e.getMessage().contains("needs storage record pytorch_model/data/3") && e.getMessage().contains("lacks"),
                e.getMessage());
        Path shorter = rewrite(source, tmp.resolve("short.bin"), "pytorch_model/data/3", new byte[12]);
        assertTrue(refused(shorter).getMessage().contains("holds with 12 bytes"));
    }

    /**
     * A flipped bit inside a stored record (torch stores records uncompressed, and the zip reader checks no CRC) is
     * refused naming the record, whether a tensor reads its whole storage, is a view into part of one (the flat
     * save), or the bit is in the pickle; without the check each of these loaded a wrong weight or pickle silently.
     */
    @Test
    void aFlippedBitInAStoredRecordIsRefusedByItsCrc() throws IOException {
        for (String[] c : new String[][] {{"tiny-gpt2-torch", "pytorch_model/data/3"},
                {"tiny-gpt2-torch-flat", null}, {"tiny-gpt2-torch", "pytorch_model/data.pkl"}}) {
            Path source = fixture(c[0]).resolve("pytorch_model.bin");
            String record = c[1];
            byte[] bytes;
            try (ZipFile zip = new ZipFile(source.toFile())) {
                if (record == null) { // the flat save: its one large storage
                    record = Collections.list(zip.entries()).stream().filter(e -> e.getName().contains("/data/"))
                            .max(java.util.Comparator.comparingLong(ZipEntry::getSize)).orElseThrow().getName();
                }
                assertEquals(ZipEntry.STORED, zip.getEntry(record).getMethod(), "torch stores " + record);
                bytes = zip.getInputStream(zip.getEntry(record)).readAllBytes();
            }
            byte[] file = Files.readAllBytes(source);
            int at = indexOf(file, bytes);
            assertTrue(at > 0 && indexOf(java.util.Arrays.copyOfRange(file, at + 1, file.length), bytes) < 0,
                    record + " found once in the file");
            file[at + bytes.length / 2] ^= 0x10;
            Path damaged = tmp.resolve(c[0] + "-" + record.replace('/', '_') + ".bin");
            Files.write(damaged, file);
            String message = refused(damaged).getMessage();
            assertTrue(message.contains("record " + record + " is damaged: its bytes have CRC-32"), message);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Seeded byte flips in data.pkl: a file either reads or is refused with HfFormatException, never anything else. */
    @Test
    void corruptedPicklesFailOnlyWithFormatErrors() throws IOException {
        Path source = fixture("tiny-gpt2-torch").resolve("pytorch_model.bin");
        byte[] pickle;
        try (ZipFile zip = new ZipFile(source.toFile())) {
            pickle = zip.getInputStream(zip.getEntry("pytorch_model/data.pkl")).readAllBytes();
        }
        Random random = new Random(SEED);
        for (int trial = 0; trial < 300; trial++) {
            byte[] bad = pickle.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
            }
            Path file = rewrite(source, tmp.resolve("fuzz.bin"), "pytorch_model/data.pkl", bad);
            int t = trial;
            try (TorchZipCheckpoint read = TorchZipCheckpoint.open(file)) {
                read.shapes().forEach((name, shape) -> {
                    // import-hf reads a tensor only after its shape matched the config; a damaged size of a billion
                    // elements (a broadcast view is legal) is left unread here as it would be there.
                    if (java.util.Arrays.stream(shape).reduce(1, Math::multiplyExact) > 1 << 20) {
                        return;
                    }
                    try {
                        read.readFloats(name);
                    } catch (HfFormatException expected) {
                        // e.g. a mask buffer's dtype: a one-line refusal is the contract
                    }
                });
            } catch (HfFormatException expected) {
                assertFalse(expected.getMessage().contains("\n"), "seed " + SEED + " trial " + t + ": " + expected.getMessage());
            } catch (RuntimeException | Error other) {
                throw new AssertionError("seed " + SEED + " trial " + t + ": " + other, other);
            }
        }
    }

    private static HfFormatException refused(Path file) {
        HfFormatException e = assertThrows(HfFormatException.class, () -> {
            try (TorchZipCheckpoint read = TorchZipCheckpoint.open(file)) {
                read.shapes().keySet().forEach(read::readFloats);
            }
        });
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        return e;
    }

    /** A copy of the zip at {@code source} with record {@code name} replaced by {@code data} (removed when null). */
    private static Path rewrite(Path source, Path target, String name, byte[] data) throws IOException {
        try (ZipFile in = new ZipFile(source.toFile()); OutputStream file = Files.newOutputStream(target);
                ZipOutputStream out = new ZipOutputStream(file)) {
            for (ZipEntry e : Collections.list(in.entries())) {
                byte[] bytes = e.getName().equals(name) ? data : in.getInputStream(e).readAllBytes();
                if (bytes != null) {
                    out.putNextEntry(new ZipEntry(e.getName()));
                    out.write(bytes);
                    out.closeEntry();
                }
            }
        }
        return target;
    }

    @Test
    void safetensorsWinsWhenADirectoryHoldsBoth() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("both"));
        for (String name : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(fixture("tiny-gpt2").resolve(name), dir.resolve(name));
        }
        Files.write(dir.resolve(Gpt2HfDirectory.TORCH_WEIGHTS), new byte[] {1, 2, 3}); // unreadable: must not be read
        Map<String, FloatTensor> read = Gpt2HfDirectory.read(dir).tensors();
        assertEquals(Gpt2HfDirectory.read(fixture("tiny-gpt2")).tensors(), read);
    }
}
