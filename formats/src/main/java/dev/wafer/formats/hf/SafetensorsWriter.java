package dev.wafer.formats.hf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.formats.fileio.AtomicFileWriter;
import dev.wafer.formats.fileio.TensorStreams;
import dev.wafer.ports.checkpoint.TensorSource;

/** Writes float32 tensors as a safetensors file, streaming the data and replacing the target atomically. */
public final class SafetensorsWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SafetensorsWriter() {
    }

    /**
     * Writes {@code tensors} (in this order) with optional string metadata.
     *
     * @throws HfFormatException when writing fails; the target is then unchanged
     */
    public static void write(Path file, Map<String, String> metadata, List<? extends TensorSource> tensors) {
        byte[] header = header(metadata, tensors);
        try {
            AtomicFileWriter.write(file, channel -> writeBody(channel, header, tensors));
        } catch (IOException e) {
            throw new HfFormatException(file + ": cannot write safetensors file: " + e.getMessage(), e);
        }
    }

    private static void writeBody(FileChannel channel, byte[] header, List<? extends TensorSource> tensors) throws IOException {
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
        TensorStreams.writeFully(channel, length);
        TensorStreams.writeFully(channel, ByteBuffer.wrap(header));
        ByteBuffer chunk = TensorStreams.newChunk();
        for (TensorSource t : tensors) {
            TensorStreams.write(channel, t, chunk);
        }
    }

    /** The header JSON, padded with spaces so the data starts 8-byte aligned (as the reference writer does). */
    static byte[] header(Map<String, String> metadata, List<? extends TensorSource> tensors) {
        Map<String, Object> root = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            root.put("__metadata__", metadata);
        }
        Set<String> names = new HashSet<>();
        long offset = 0;
        for (TensorSource t : tensors) {
            String name = t.spec().name();
            if (!names.add(name) || name.equals("__metadata__")) {
                throw new IllegalArgumentException("tensor name '" + name + "' is duplicated or reserved");
            }
            long bytes = t.spec().elementCount() * Float.BYTES;
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", "F32");
            info.put("shape", t.spec().shape());
            info.put("data_offsets", new long[] {offset, offset + bytes});
            root.put(name, info);
            offset += bytes;
        }
        String json;
        try {
            json = MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode safetensors header", e);
        }
        int pad = (8 - (json.getBytes(StandardCharsets.UTF_8).length % 8)) % 8;
        return (json + " ".repeat(pad)).getBytes(StandardCharsets.UTF_8);
    }
}
