package dev.wafer.app.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wafer.app.data.DatasetLayout;

/**
 * A short identity of training data, recorded in checkpoints so that {@code --resume --data OTHER} is refused while
 * a moved copy of the same data is accepted. A prepared dataset is identified by its manifest (which names every
 * shard, document and split count) without its wall-clock field, so the embedded sample prepared again into an
 * emptied cache is still the same data; a token file by its size and the digest of its first and last mebibyte
 * (cheap on a file of any size, and any re-tokenisation or truncation changes them).
 */
final class DataFingerprint {
    private static final int BLOCK = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long preparation took: differs between two preparations of the same data. */
    private static final String VOLATILE_FIELD = "prepare_seconds";

    private DataFingerprint() {
    }

    static String ofDataset(Path dir) throws IOException {
        Path manifest = new DatasetLayout(dir).manifest();
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(manifest));
        } catch (JsonProcessingException e) {
            throw new TrainingDataFiles.DataException("dataset manifest " + manifest + " is not valid JSON: "
                    + e.getOriginalMessage());
        }
        if (!(root instanceof ObjectNode o)) {
            throw new TrainingDataFiles.DataException("dataset manifest " + manifest + " is not a JSON object");
        }
        o.remove(VOLATILE_FIELD);
        return "manifest-sha256:" + hex(sha256().digest(JSON.writeValueAsBytes(o)));
    }

    static String ofTokenFile(Path file) throws IOException {
        MessageDigest d = sha256();
        long size;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            size = ch.size();
            d.update(block(ch, 0, size));
            d.update(block(ch, Math.max(0, size - BLOCK), size));
        }
        return "tokens-" + size + "-sha256:" + hex(d.digest());
    }

    private static ByteBuffer block(FileChannel ch, long from, long size) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(BLOCK, size - from));
        while (b.hasRemaining() && ch.read(b, from + b.position()) > 0) {
            // read until the block is full
        }
        return b.flip();
    }

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest, 0, 16);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
