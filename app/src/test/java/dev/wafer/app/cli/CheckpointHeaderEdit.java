package dev.wafer.app.cli;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Rewrites a checkpoint's JSON header and recomputes every checksum, as a user editing the header by hand would:
 * the file verifies, so what the header says must be checked on its own merits.
 */
final class CheckpointHeaderEdit {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] END = "WAFEREND".getBytes(StandardCharsets.US_ASCII);

    private CheckpointHeaderEdit() {
    }

    /** Copies {@code from} to {@code to} with the header edited by {@code edit} and the preamble's version kept. */
    static Path edit(Path from, Path to, Consumer<ObjectNode> edit) throws Exception {
        return edit(from, to, edit, -1);
    }

    /** As {@link #edit(Path, Path, Consumer)}, with the preamble's version set to {@code version} unless negative. */
    static Path edit(Path from, Path to, Consumer<ObjectNode> edit, int version) throws Exception {
        byte[] d = Files.readAllBytes(from);
        ByteBuffer in = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        int ver = version >= 0 ? version : in.getInt(8);
        int headerLength = (int) in.getLong(16);
        ObjectNode h = (ObjectNode) JSON.readTree(Arrays.copyOfRange(d, 24, 24 + headerLength));
        int dataStart = align(24 + headerLength);
        JsonNode last = h.get("tensors").get(h.get("tensors").size() - 1);
        long dataEnd = dataStart + last.get("offset").asLong() + last.get("bytes").asLong();
        byte[] data = Arrays.copyOfRange(d, dataStart, (int) dataEnd);
        byte[] crcs = Arrays.copyOfRange(d, (int) dataEnd, (int) dataEnd + 4 * h.get("tensors").size());
        edit.accept(h);
        byte[] header = JSON.writeValueAsBytes(h);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer pre = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        pre.put("WAFERCKP".getBytes(StandardCharsets.US_ASCII)).putInt(ver).putInt(crc(header))
                .putLong(header.length);
        out.write(pre.array());
        out.write(header);
        out.write(new byte[align(24 + header.length) - 24 - header.length]);
        out.write(data);
        out.write(crcs); // the tensors are unchanged, so are their checksums
        byte[] body = out.toByteArray();
        out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(crc(body)).array());
        out.write(END);
        Files.createDirectories(to.getParent());
        return Files.write(to, out.toByteArray());
    }

    private static int align(int x) {
        return (x + 63) / 64 * 64;
    }

    private static int crc(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        return (int) c.getValue();
    }
}
