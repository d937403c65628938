package dev.wafer.formats.hf;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A PyTorch checkpoint in the zip format {@code torch.save} writes since PyTorch 1.6 ({@code pytorch_model.bin}, as
 * transformers saved models before safetensors and as the Cerebras-GPT release ships them): {@code <name>/data.pkl}
 * describes the state dict, {@code <name>/data/<key>} holds each storage's raw little-endian bytes. The pickle is read
 * by {@link TorchStateDictPickle}, which runs nothing from it; storages are read when a tensor is.
 *
 * <p>Every record is checked against the CRC-32 the archive's directory records for it before its bytes are used:
 * torch stores records uncompressed, and {@link ZipFile} checks no CRC, so a flipped bit in a downloaded weight would
 * otherwise load as a wrong weight without a word. A tensor that reads its whole record is checked on the bytes it
 * read; a view into part of a record has the whole record checked once.
 */
final class TorchZipCheckpoint implements WeightFile {
    private final Path file;
    private final ZipFile zip;
    private final String prefix;
    private final Map<String, TorchTensorRef> tensors;
    /** Records whose CRC-32 has been checked. */
    private final Set<String> checked = ConcurrentHashMap.newKeySet();

    private TorchZipCheckpoint(Path file, ZipFile zip, String prefix, Map<String, TorchTensorRef> tensors) {
        this.file = file;
        this.zip = zip;
        this.prefix = prefix;
        this.tensors = tensors;
    }

    /** Opens {@code file} and reads its state dict's description (not its tensors). */
    static TorchZipCheckpoint open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new HfFormatException(file + ": file does not exist");
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new HfFormatException(file + ": " + notAZip(file, e));
        } catch (IOException e) {
            throw new HfFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
        try {
            String prefix = archivePrefix(file, zip);
            checkByteOrder(file, zip, prefix);
            String where = file + ": " + prefix + "data.pkl";
            Object root = TorchStateDictPickle.read(bytes(file, zip, zip.getEntry(prefix + "data.pkl"), Integer.MAX_VALUE),
                    where);
            return new TorchZipCheckpoint(file, zip, prefix, stateDict(file, zip, prefix, root));
        } catch (RuntimeException e) {
            closeQuietly(zip);
            throw e;
        }
    }

    /**
     * What a file that does not open as a zip is, by its first bytes: a Git LFS pointer (a clone without git-lfs), a
     * zip cut short (a partial download), a pre-1.6 pickle, or something else.
     */
    private static String notAZip(Path file, ZipException e) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(64);
        } catch (IOException io) {
            return "cannot read: " + io.getMessage();
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        if (text.startsWith("version https://git-lfs")) {
            return "a Git LFS pointer, not the checkpoint itself (the repository was cloned without git-lfs): fetch"
                    + " the file with 'git lfs pull' in the model directory";
        }
        if (text.startsWith("PK\u0003\u0004")) {
            return "a zip file that is truncated or damaged (" + e.getMessage() + "): download it again";
        }
        if (head.length >= 2 && (head[0] & 0xFF) == 0x80 && head[1] >= 2 && head[1] <= 5) {
            return "a pickle without a zip archive around it: torch.save wrote this format before PyTorch 1.6 (the"
                    + " legacy format Wafer does not read); load it in Python and save it again with torch.save, or"
                    + " convert it to safetensors";
        }
        return "not a PyTorch zip checkpoint (" + e.getMessage() + ")";
    }

    /** The folder every record lies in: the one holding {@code data.pkl}. */
    private static String archivePrefix(Path file, ZipFile zip) {
        List<String> pickles = Collections.list(zip.entries()).stream().map(ZipEntry::getName)
                .filter(n -> n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - "/data.pkl".length()).toList();
        if (pickles.size() != 1) {
            throw new HfFormatException(file + ": a zip file but not a PyTorch checkpoint: expected one <name>/data.pkl"
                    + " record, found " + pickles.size());
        }
        return pickles.get(0).substring(0, pickles.get(0).length() - "data.pkl".length());
    }

    /** PyTorch 2.1+ records the byte order; older versions wrote the machine's, little-endian on every platform that matters. */
    private static void checkByteOrder(Path file, ZipFile zip, String prefix) {
        ZipEntry order = zip.getEntry(prefix + "byteorder");
        if (order != null) {
            String text = new String(bytes(file, zip, order, 16), StandardCharsets.US_ASCII).trim();
            if (!text.equals("little")) {
                throw new HfFormatException(file + ": " + prefix + "byteorder says '" + text
                        + "'; Wafer reads little-endian checkpoints only");
            }
        }
    }

    private static Map<String, TorchTensorRef> stateDict(Path file, ZipFile zip, String prefix, Object root) {
        if (!(root instanceof Map<?, ?> map)) {
            throw new HfFormatException(file + ": holds a pickled " + (root == null ? "None" : root.getClass().getSimpleName())
                    + ", not a state dict (a dict of tensor names to tensors, what save_pretrained and"
                    + " torch.save(model.state_dict()) write)");
        }
        Map<String, TorchTensorRef> tensors = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String name)) {
                throw new HfFormatException(file + ": the state dict has a key that is not a string: " + e.getKey());
            }
            if (!(e.getValue() instanceof TorchTensorRef tensor)) {
                throw new HfFormatException(file + ": '" + PrintableText.of(name) + "' is not a tensor (a training checkpoint holds the"
                        + " model's state dict under a key such as 'model'; save model.state_dict() on its own)");
            }
            ZipEntry data = zip.getEntry(prefix + "data/" + tensor.storage().key());
            long bytes;
            try {
                bytes = Math.multiplyExact(tensor.storage().elements(), tensor.storage().type().bytes());
            } catch (ArithmeticException overflow) {
                bytes = -1; // no record holds that many bytes: reported below as a size mismatch
            }
            if (data == null || data.getSize() != bytes) {
                throw new HfFormatException(file + ": tensor '" + PrintableText.of(name) + "' needs storage record "
                        + prefix + "data/" + PrintableText.of(tensor.storage().key()) + " of " + bytes + " bytes, which the archive "
                        + (data == null ? "lacks" : "holds with " + data.getSize() + " bytes"));
            }
            tensors.put(name, tensor);
        }
        return tensors;
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public Map<String, long[]> shapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        tensors.forEach((name, t) -> shapes.put(name, t.size().clone()));
        return shapes;
    }

    /** Reads a float32, float16 or bfloat16 tensor as float32, in row-major order whatever its strides. */
    @Override
    public float[] readFloats(String name) {
        TorchTensorRef t = tensors.get(name);
        if (t == null) {
            throw new HfFormatException(file + ": no tensor '" + name + "'");
        }
        SafetensorsDtype dtype = t.storage().type().floats();
        if (dtype == null) {
            throw new HfFormatException(file + ": tensor '" + name + "' is a " + t.storage().type().pytorchName()
                    + " tensor; Wafer reads float32, float16 and bfloat16 weights");
        }
        long n = t.elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new HfFormatException(file + ": tensor '" + name + "' has " + n + " elements, more than one Java array holds");
        }
        // Only the elements the view spans are read: tensors that are views into one large storage (a flattened
        // save) would otherwise each read the whole storage, and a storage past 2 GiB could not be read at all.
        int bytes = t.storage().type().bytes();
        long first = t.offset();
        long span = t.extent() - first;
        if (span * bytes > Integer.MAX_VALUE - 8) {
            throw new HfFormatException(file + ": tensor '" + PrintableText.of(name) + "' spans " + span * bytes
                    + " bytes of its storage, more than Wafer reads into one array");
        }
        ZipEntry entry = zip.getEntry(prefix + "data/" + t.storage().key());
        MemorySegment storage = MemorySegment.ofArray(range(entry, first * bytes, (int) (span * bytes)));
        float[] out = new float[(int) n];
        TorchTensorRef view = new TorchTensorRef(t.storage(), 0, t.size(), t.stride());
        if (view.isContiguous()) {
            dtype.decode(storage, 0, out, 0, out.length);
        } else {
            gather(view, dtype, storage, out);
        }
        return out;
    }

    /** {@code length} bytes of a record from byte {@code from} (a stored record skips there without reading). */
    private byte[] range(ZipEntry entry, long from, int length) {
        boolean whole = from == 0 && length == entry.getSize();
        if (!whole && !checked.contains(entry.getName())) {
            checkWholeRecord(entry);
        }
        try (InputStream in = zip.getInputStream(entry)) {
            in.skipNBytes(from);
            byte[] data = in.readNBytes(length);
            if (data.length != length) {
                throw new HfFormatException(file + ": record " + entry.getName() + " is truncated");
            }
            if (whole && !checked.contains(entry.getName())) {
                checkCrc(file, entry, crc(data));
                checked.add(entry.getName());
            }
            return data;
        } catch (java.io.EOFException e) {
            throw new HfFormatException(file + ": record " + entry.getName() + " is truncated");
        } catch (IOException e) {
            throw new HfFormatException(file + ": cannot read record " + entry.getName() + ": " + e.getMessage(), e);
        }
    }

    /** Streams a record through CRC-32 and compares it with the directory's (a view reads only part of it). */
    private void checkWholeRecord(ZipEntry entry) {
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = zip.getInputStream(entry)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new HfFormatException(file + ": cannot read record " + entry.getName() + ": " + e.getMessage(), e);
        }
        checkCrc(file, entry, crc.getValue());
        checked.add(entry.getName());
    }

    private static long crc(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return crc.getValue();
    }

    /** Refuses a record whose bytes do not have the CRC-32 the archive's directory records (-1: none recorded). */
    private static void checkCrc(Path file, ZipEntry entry, long actual) {
        long recorded = entry.getCrc();
        if (recorded != -1 && recorded != actual) {
            throw new HfFormatException(String.format("%s: record %s is damaged: its bytes have CRC-32 %08x, the"
                    + " archive records %08x (download the file again)", file, entry.getName(), actual, recorded));
        }
    }

    /** A strided view, element by element in row-major order (a transposed tensor saved as a view). */
    private static void gather(TorchTensorRef t, SafetensorsDtype dtype, MemorySegment storage, float[] out) {
        long[] size = t.size();
        long[] stride = t.stride();
        long[] index = new long[size.length];
        int bytes = dtype.bytes();
        for (int i = 0; i < out.length; i++) {
            long element = t.offset();
            for (int d = 0; d < size.length; d++) {
                element += index[d] * stride[d];
            }
            dtype.decode(storage, element * bytes, out, i, 1);
            for (int d = size.length - 1; d >= 0 && ++index[d] == size[d]; d--) {
                index[d] = 0;
            }
        }
    }

    private static byte[] bytes(Path file, ZipFile zip, ZipEntry entry, int limit) {
        if (entry.getSize() > limit) {
            throw new HfFormatException(file + ": record " + entry.getName() + " holds " + entry.getSize()
                    + " bytes, more than Wafer reads into one array (" + limit + ")");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] data = in.readNBytes((int) entry.getSize());
            if (data.length != entry.getSize()) {
                throw new HfFormatException(file + ": record " + entry.getName() + " is truncated (" + data.length
                        + " of " + entry.getSize() + " bytes)");
            }
            checkCrc(file, entry, crc(data));
            return data;
        } catch (IOException e) {
            throw new HfFormatException(file + ": cannot read record " + entry.getName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closeQuietly(zip);
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException e) {
            // Read-only: nothing is lost when closing fails.
        }
    }

    @Override
    public String toString() {
        return file + " " + Arrays.toString(tensors.keySet().toArray());
    }
}
