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
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Tells a raw token file (little-endian uint16 GPT-2 ids) from text, the same way for every command that takes
 * {@code --data FILE}. The name decides where its extension is known: {@link #TEXT_EXTENSIONS} are text,
 * {@link #TOKEN_EXTENSIONS} are token ids, whatever the bytes. Any other name is read by its first
 * {@value #PROBE_BYTES} bytes: a zero byte or invalid UTF-8 is token ids, UTF-8 of an odd length is text, and an even
 * length of UTF-8 without a zero byte fits both readings and is {@link Kind#EITHER}, for the caller to refuse. A
 * zero byte is no proof: ids such as 262 (" the") or 290 have no zero byte, and a short token file of them is valid
 * UTF-8 (eval used to tokenise one as text, silently).
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
     * would be read as token ids), naming the dataset directory to pass instead when the shard's folder holds a
     * {@code manifest.json}; a shard copied out of its dataset is said to be one, for its dataset's directory to be
     * passed (the folder it was in was named, and refused as "a directory without manifest.json"). Empty when it is
     * no shard.
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
        String manifest = dev.wafer.formats.data.DatasetLayout.MANIFEST;
        if (dir != null && Files.isRegularFile(dir.resolve(manifest))) {
            return Optional.of(file + " is a shard of a prepared dataset; pass its directory " + dir);
        }
        return Optional.of(file + " is a shard of a prepared dataset, outside its dataset (its folder " + dir
                + " holds no " + manifest + "); pass the directory of the dataset it came from");
    }

    /** How a {@code --data} file reads. */
    public enum Kind {
        /** Text, to tokenise. */
        TEXT,
        /** Little-endian uint16 token ids. */
        TOKENS,
        /** A name that says neither, and bytes that read as both: the caller refuses it, saying how to rename it. */
        EITHER
    }

    /** Extensions that name a text file. */
    public static final List<String> TEXT_EXTENSIONS = List.of(".txt", ".text", ".md", ".markdown", ".rst", ".csv",
            ".tsv", ".json", ".jsonl", ".html", ".htm", ".xml");

    /** Extensions that name a raw token file. */
    public static final List<String> TOKEN_EXTENSIONS = List.of(".bin", ".tokens", ".tok", ".u16", ".uint16");

    /** How {@code file} reads: by its extension where that is known, else by its bytes (see the class). */
    public static Kind kind(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot);
        if (TEXT_EXTENSIONS.contains(extension)) {
            return Kind.TEXT;
        }
        if (TOKEN_EXTENSIONS.contains(extension)) {
            return Kind.TOKENS;
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(PROBE_BYTES);
        }
        if (!isText(head, head.length < PROBE_BYTES)) {
            return Kind.TOKENS;
        }
        return Files.size(file) % 2 != 0 ? Kind.TEXT : Kind.EITHER;
    }

    /**
     * Why {@code file}, of {@link Kind#EITHER}, is not read either way: the start of a one-line refusal, to which the
     * caller adds what to rename it to.
     */
    public static String either(Path file) {
        return file + " has no extension that says text (" + String.join(", ", TEXT_EXTENSIONS.subList(0, 3))
                + ", ...) or token ids (" + String.join(", ", TOKEN_EXTENSIONS.subList(0, 3)) + ", ...), and its bytes"
                + " read as both: UTF-8 without a zero byte, and an even number of bytes (uint16 ids)";
    }


    /**
     * Why {@code file}, read as text by {@link #kind}, cannot be: the byte where its UTF-8 breaks, and why it was
     * read as text, its name or, for a name that says neither, its first {@value #PROBE_BYTES} bytes (a name
     * without a text extension was told it had one).
     *
     * @param bytes the file's bytes, not valid UTF-8
     */
    public static String notUtf8(Path file, byte[] bytes) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        String at = " at byte " + invalidUtf8At(bytes);
        if (dot >= 0 && TEXT_EXTENSIONS.contains(name.substring(dot))) {
            return file + ": not valid UTF-8 text" + at + " (a file named .txt, .md and the like is tokenised as text)";
        }
        return file + ": its first " + (PROBE_BYTES >> 10) + " KiB read as UTF-8 text (and its odd length rules out"
                + " uint16 token ids), but the file is not valid UTF-8" + at;
    }

    /** The offset of the first byte that is not valid UTF-8 (a cut sequence at the end included), or -1. */
    static long invalidUtf8At(byte[] bytes) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(8192);
        while (true) {
            java.nio.charset.CoderResult result = utf8.decode(in, out, true);
            if (result.isError()) {
                return in.position();
            }
            if (result.isUnderflow()) {
                result = utf8.flush(out);
                return result.isError() ? in.position() : -1;
            }
            out.clear();
        }
    }

    /**
     * Why {@code tokens} read from {@code --data data} give no {@code unit} of {@code seq} targets and the token
     * before, in the words eval and train share: a smaller {@code --seq} is suggested only where one would fit (an
     * empty file at --seq 1 had one suggested), and an empty file is said to be empty.
     *
     * @param unit what one sequence is called, e.g. {@code window}
     * @param use  what needs the tokens, e.g. {@code a test-set loss}
     */
    public static String tooShort(Path data, long tokens, int seq, String unit, String use) {
        if (tokens >= 2) {
            return "--data " + data + " holds " + tokens + " tokens: not one " + unit + " of " + (seq + 1L) + " (--seq "
                    + seq + " and the token before); pass --seq " + (tokens - 1) + " or less";
        }
        boolean empty;
        try {
            empty = Files.isRegularFile(data) && Files.size(data) == 0;
        } catch (IOException e) {
            empty = false;
        }
        return "--data " + data + (empty ? " is empty" : tokens == 0 ? " holds no tokens" : " holds 1 token") + "; "
                + use + " needs at least 2 (one target and the token before it)";
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
