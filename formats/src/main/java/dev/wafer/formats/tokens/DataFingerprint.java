package dev.wafer.formats.tokens;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short identity of a token file, recorded in checkpoints so that {@code --resume --data OTHER} is refused while
 * a moved copy of the same data is accepted: its size and the digest of its first and last mebibyte (cheap on a
 * file of any size, and any re-tokenisation or truncation changes them). A prepared dataset's identity is its
 * manifest's ({@link dev.wafer.formats.data.DatasetManifest#fingerprint()}).
 */
final class DataFingerprint {
    private static final int BLOCK = 1 << 20;

    private DataFingerprint() {
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
