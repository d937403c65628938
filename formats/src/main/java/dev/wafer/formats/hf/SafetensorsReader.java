package dev.wafer.formats.hf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a safetensors file through a memory mapping: the header is parsed and validated on open, tensor data is
 * only touched (and paged in) when a tensor is read. Close it to unmap.
 *
 * <p>Format: an 8-byte little-endian header length N, N bytes of JSON
 * {@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}}, then the data.
 */
public final class SafetensorsReader implements AutoCloseable, WeightFile {
    /** The reference implementation refuses larger headers; a bigger value means a corrupt or foreign file. */
    static final long MAX_HEADER_BYTES = 100L << 20;
    // Trailing tokens after the object are an error: with a wrong header length they are tensor bytes.
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());

    private final Path file;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, SafetensorsEntry> entries;
    private final Map<String, String> metadata;

    private SafetensorsReader(Path file, Arena arena, MemorySegment data, Map<String, SafetensorsEntry> entries,
            Map<String, String> metadata) {
        this.file = file;
        this.arena = arena;
        this.data = data;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Maps and validates {@code file}. */
    public static SafetensorsReader open(Path file) {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new HfFormatException(file + ": not a safetensors file (only " + size + " bytes)");
            }
            MemorySegment all = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerBytes = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (isGitLfsPointer(all)) {
                throw new HfFormatException(file + ": a Git LFS pointer, not the safetensors file itself (the repository"
                        + " was cloned without git-lfs): fetch the file with 'git lfs pull' in the model directory");
            }
            if (headerBytes < 2 || headerBytes > MAX_HEADER_BYTES || headerBytes > size - 8) {
                throw new HfFormatException(file + ": not a safetensors file or truncated (header length " + headerBytes
                        + ", file size " + size + ")");
            }
            byte[] json = headerJson(file, all.asSlice(8, headerBytes).toArray(ValueLayout.JAVA_BYTE));
            MemorySegment data = all.asSlice(8 + headerBytes);
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, SafetensorsEntry> entries = parseHeader(file, json, data.byteSize(), metadata);
            return new SafetensorsReader(file, arena, data, entries, Map.copyOf(metadata));
        } catch (NoSuchFileException e) {
            arena.close();
            throw new HfFormatException(file + ": file does not exist");
        } catch (IOException e) {
            arena.close();
            throw new HfFormatException(file + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static boolean isGitLfsPointer(MemorySegment file) {
        byte[] magic = "version https://git-lfs".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return file.byteSize() >= magic.length
                && java.util.Arrays.equals(file.asSlice(0, magic.length).toArray(ValueLayout.JAVA_BYTE), magic);
    }

    /**
     * The header without its padding. The format allows only spaces (0x20) after the JSON object; anything else
     * there (zero bytes, a second value) means the header length is wrong and every tensor would be read shifted.
     */
    private static byte[] headerJson(Path file, byte[] header) {
        int end = header.length;
        while (end > 0 && header[end - 1] == ' ') {
            end--;
        }
        if (header[0] != '{' || end == 0 || header[end - 1] != '}') {
            throw new HfFormatException(file + ": safetensors header (" + header.length + " bytes) must be one JSON"
                    + " object padded only with spaces; it " + (header[0] != '{' ? "starts with byte " + (header[0] & 0xFF)
                    : "ends with byte " + (end == 0 ? 32 : header[end - 1] & 0xFF) + " before its padding")
                    + " (wrong header length?)");
        }
        return java.util.Arrays.copyOf(header, end);
    }

    private static Map<String, SafetensorsEntry> parseHeader(Path file, byte[] json, long dataBytes,
            Map<String, String> metadata) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new HfFormatException(file + ": safetensors header is not valid JSON: " + oneLine(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new HfFormatException(file + ": safetensors header is not a JSON object");
        }
        List<SafetensorsEntry> list = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("__metadata__")) {
                field.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
            } else {
                list.add(parseEntry(file, field.getKey(), field.getValue()));
            }
        }
        // The format requires the tensors to tile the data section exactly: no gaps, no overlaps, nothing after.
        list.sort(Comparator.comparingLong(SafetensorsEntry::begin).thenComparingLong(SafetensorsEntry::end));
        long expected = 0;
        for (SafetensorsEntry e : list) {
            if (e.begin() != expected) {
                throw new HfFormatException(file + ": tensor '" + e.name() + "' starts at data byte " + e.begin()
                        + " but the previous tensor ends at " + expected + " (overlapping or missing data)");
            }
            expected = e.end();
        }
        if (expected != dataBytes) {
            throw new HfFormatException(file + ": tensors cover " + expected + " data bytes but the file holds "
                    + dataBytes + (expected > dataBytes ? " (truncated file?)" : " (trailing bytes)"));
        }
        Map<String, SafetensorsEntry> byName = new LinkedHashMap<>();
        for (SafetensorsEntry e : list) {
            byName.put(e.name(), e);
        }
        return byName;
    }

    private static SafetensorsEntry parseEntry(Path file, String name, JsonNode node) {
        String where = file + ": tensor '" + name + "'";
        JsonNode dtype = node.get("dtype");
        JsonNode shape = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray() || offsets == null
                || !offsets.isArray() || offsets.size() != 2) {
            throw new HfFormatException(where + " lacks dtype, shape or data_offsets [begin, end]");
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!isLong(shape.get(i)) || shape.get(i).asLong() < 0) {
                throw new HfFormatException(where + " has an invalid dimension " + shape.get(i));
            }
            dims[i] = shape.get(i).asLong();
        }
        if (!isLong(offsets.get(0)) || !isLong(offsets.get(1))) {
            throw new HfFormatException(where + " has data_offsets " + offsets + "; expected two integers");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        SafetensorsEntry entry = new SafetensorsEntry(name, dtype.asText(), dims, begin, end);
        SafetensorsDtype known = SafetensorsDtype.parse(entry.dtype());
        if (begin < 0 || end < begin) {
            throw new HfFormatException(where + " has invalid data_offsets [" + begin + ", " + end + "]");
        }
        long needed;
        try {
            needed = Math.multiplyExact(entry.elementCount(), known == null ? 1 : known.bytes());
        } catch (ArithmeticException e) {
            throw new HfFormatException(where + " has shape " + java.util.Arrays.toString(dims)
                    + " whose size overflows 64 bits");
        }
        if (known != null && end - begin != needed) {
            throw new HfFormatException(where + " " + entry.dtype() + java.util.Arrays.toString(dims) + " needs "
                    + needed + " bytes but data_offsets span " + (end - begin));
        }
        return entry;
    }

    /** Jackson's message without its multi-line source excerpt, plus where in the header it failed. */
    private static String oneLine(IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            var at = j.getLocation();
            String message = String.valueOf(j.getOriginalMessage()).replaceAll("\\s+", " ");
            return at == null ? message : message + " (header byte " + at.getByteOffset() + ")";
        }
        return String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
    }

    private static boolean isLong(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong();
    }

    /** The file this reader maps. */
    @Override
    public Path file() {
        return file;
    }

    /** Every tensor, ordered by position in the file. */
    public List<SafetensorsEntry> entries() {
        return List.copyOf(entries.values());
    }

    /** Every tensor's shape by name, ordered by position in the file. */
    @Override
    public Map<String, long[]> shapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        entries.forEach((name, e) -> shapes.put(name, e.shape()));
        return shapes;
    }

    /** The tensor with this name, or null. */
    public SafetensorsEntry entry(String name) {
        return entries.get(name);
    }

    /** The {@code __metadata__} map (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Reads a F32, F16 or BF16 tensor as float32. */
    @Override
    public float[] readFloats(String name) {
        SafetensorsEntry e = entries.get(name);
        if (e == null) {
            throw new HfFormatException(file + ": no tensor '" + name + "'");
        }
        SafetensorsDtype dtype = SafetensorsDtype.parse(e.dtype());
        if (dtype == null) {
            throw new HfFormatException(file + ": tensor '" + name + "' has dtype " + e.dtype()
                    + "; Wafer reads F32, F16 and BF16");
        }
        long n = e.elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new HfFormatException(file + ": tensor '" + name + "' has " + n + " elements, more than one Java array holds");
        }
        float[] out = new float[(int) n];
        dtype.decode(data, e.begin(), out, 0, out.length);
        return out;
    }

    /** Unmaps the file; tensors read before stay valid. */
    @Override
    public void close() {
        arena.close();
    }
}
