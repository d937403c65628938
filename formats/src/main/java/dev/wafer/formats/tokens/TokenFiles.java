package dev.wafer.formats.tokens;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Tells a raw token file (little-endian uint16 GPT-2 ids) from text, the same way for every command that takes
 * {@code --data FILE}: a {@code .txt} file is text, and so is any file whose first {@value #PROBE_BYTES} bytes are
 * valid UTF-8 without a zero byte. A token file always has zero bytes: every id below 256 (newline, comma, period
 * and the other single-byte tokens) has a zero high byte, so 32,768 tokens without one do not occur; text never has
 * them. Without this, an even-length text file was trained on as token ids.
 */
public final class TokenFiles {
    /** Bytes read to decide. */
    static final int PROBE_BYTES = 1 << 16;

    private TokenFiles() {
    }

    /** The magic bytes a shard of a prepared dataset starts with (its 64-byte header). */
    private static final byte[] SHARD_MAGIC = "WAFERTOK".getBytes(StandardCharsets.US_ASCII);

    /**
     * Why {@code file} cannot be read as a raw token file because it is a shard of a prepared dataset (its header
     * would be read as token ids), naming the dataset directory to pass instead; empty when it is no shard.
     */
    public static Optional<String> shardRefusal(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(SHARD_MAGIC.length);
        }
        if (!Arrays.equals(head, SHARD_MAGIC)) {
            return Optional.empty();
        }
        Path dir = file.toAbsolutePath().getParent();
        return Optional.of(file + " is a shard of a prepared dataset; pass its directory " + (dir == null ? "" : dir));
    }

    /** Whether {@code file} is text rather than uint16 token ids. */
    public static boolean isText(Path file) throws IOException {
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".txt")) {
            return true;
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(PROBE_BYTES);
        }
        return isText(head, head.length < PROBE_BYTES);
    }

    /**
     * Whether {@code head}, the start of a file ({@code whole}: all of it), is text: non-empty, no zero byte, valid
     * UTF-8 (a character cut at the end of a partial head is allowed).
     */
    static boolean isText(byte[] head, boolean whole) {
        if (head.length == 0) {
            return false;
        }
        for (byte b : head) {
            if (b == 0) {
                return false;
            }
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int end = head.length;
        if (!whole) {
            // Drop a UTF-8 sequence the probe cut: up to 3 continuation bytes and their lead byte.
            int back = 0;
            while (back < 3 && end - back - 1 >= 0 && (head[end - back - 1] & 0xC0) == 0x80) {
                back++;
            }
            if (end - back - 1 >= 0 && (head[end - back - 1] & 0xC0) == 0xC0) {
                end -= back + 1;
            }
        }
        try {
            utf8.decode(ByteBuffer.wrap(head, 0, end));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
