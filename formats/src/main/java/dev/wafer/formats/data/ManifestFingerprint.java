package dev.wafer.formats.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32C;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wafer.formats.input.InvalidInputException;

/**
 * Digests of manifests in their compact form, the identities checkpoints of builds before the current
 * {@link DatasetIdentity} recorded (and which still name the same data). A manifest whose exclusions are in
 * {@code exclusions.jsonl} is digested as if they were inline, as builds before 2026-12-08 wrote them: the array's
 * bytes are the file's lines joined with commas, streamed from the file (which is checked against its recorded size
 * and CRC-32C on the way), so the same data keeps its fingerprint without the exclusions ever being held in memory.
 */
final class ManifestFingerprint {
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final String EXCLUSIONS = "exclusions";

    private ManifestFingerprint() {
    }

    /**
     * The digests of {@code variants} (compact manifests, each an object), in their order, reading the exclusions'
     * file once for all of them.
     */
    static List<String> of(List<ObjectNode> variants, DatasetLayout layout) throws IOException {
        try {
            List<MessageDigest> digests = new ArrayList<>();
            List<byte[]> tails = new ArrayList<>();
            JsonNode listed = variants.get(0).path(EXCLUSIONS);
            for (ObjectNode v : variants) {
                MessageDigest d = MessageDigest.getInstance("SHA-256");
                if (!listed.isObject()) {
                    d.update(PLAIN.writeValueAsBytes(v));
                    tails.add(new byte[0]);
                } else {
                    byte[][] parts = aroundExclusions(v);
                    d.update(parts[0]);
                    tails.add(parts[1]);
                }
                digests.add(d);
            }
            if (listed.isObject()) {
                streamLines(layout, listed, digests);
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < digests.size(); i++) {
                digests.get(i).update(tails.get(i));
                out.add("manifest-sha256:" + HexFormat.of().formatHex(digests.get(i).digest(), 0, 16));
            }
            return out;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot digest a parsed manifest", e);
        }
    }

    /** The compact manifest up to the exclusions array's '[' and from its ']' on. */
    private static byte[][] aroundExclusions(ObjectNode root) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] head = null;
        try (JsonGenerator g = PLAIN.getFactory().createGenerator(buf)) {
            g.writeStartObject();
            for (Map.Entry<String, JsonNode> e : root.properties()) {
                g.writeFieldName(e.getKey());
                if (e.getKey().equals(EXCLUSIONS)) {
                    g.writeStartArray();
                    g.flush();
                    head = buf.toByteArray();
                    buf.reset();
                    g.writeEndArray();
                } else {
                    PLAIN.writeTree(g, e.getValue());
                }
            }
            g.writeEndObject();
        }
        return new byte[][] {head, buf.toByteArray()};
    }

    /** Feeds the file's lines, joined with commas, to every digest; checks its size and CRC-32C. */
    private static void streamLines(DatasetLayout layout, JsonNode listed, List<MessageDigest> digests)
            throws IOException {
        Path file = layout.exclusions();
        CRC32C crc = new CRC32C();
        long size = 0;
        byte[] buf = new byte[1 << 16];
        byte[] joined = new byte[buf.length + 1];
        boolean pendingBreak = false;
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                crc.update(buf, 0, n);
                size += n;
                int k = 0;
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        // Held back: a line break between entries is the array's comma; the last one is nothing.
                        pendingBreak = true;
                        continue;
                    }
                    if (pendingBreak) {
                        joined[k++] = ',';
                        pendingBreak = false;
                    }
                    joined[k++] = b;
                }
                for (MessageDigest d : digests) {
                    d.update(joined, 0, k);
                }
            }
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": missing, but " + DatasetLayout.MANIFEST + " lists "
                    + listed.path("count").asLong() + " excluded documents in it; prepare the dataset again");
        }
        String actual = String.format(Locale.ROOT, "%08x", crc.getValue());
        if (size != listed.path("bytes").asLong() || !actual.equals(listed.path("crc32c").asText())) {
            throw new InvalidInputException(file + ": " + size + " bytes with CRC-32C " + actual + " but "
                    + DatasetLayout.MANIFEST + " records " + listed.path("bytes").asLong() + " bytes with CRC-32C "
                    + listed.path("crc32c").asText() + "; the file is damaged, prepare the dataset again");
        }
    }
}
