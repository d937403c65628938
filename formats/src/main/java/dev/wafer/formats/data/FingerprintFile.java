package dev.wafer.formats.data;

import dev.wafer.formats.input.InvalidInputException;
import dev.wafer.formats.input.StrictUtf8;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.wafer.formats.input.FileChecks;
import java.util.Arrays;
import java.util.zip.CRC32C;

import dev.wafer.domain.data.TextNormaliser;
import dev.wafer.domain.data.WorkFingerprint;

/**
 * Fingerprint files ({@code wafer data fingerprint}): little-endian magic {@code WAFERFPR}, u32 version (2),
 * u32 shingle words, u32 name length, UTF-8 name, u64 count, then {@code count} sorted i64 shingle hashes, then
 * (version 2) a u32 CRC-32C of every byte before it. Version 1 files, without the checksum, are still read.
 * {@link #load} also accepts a plain-text work and fingerprints it on the fly, so {@code --exclude-work} takes
 * either.
 */
public final class FingerprintFile {
    private static final byte[] MAGIC = "WAFERFPR".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 2;
    private static final int UNCHECKED_VERSION = 1;

    private FingerprintFile() {
    }

    /** Fingerprints a text file (normalised first, like every document). */
    public static WorkFingerprint fromText(Path textFile) throws IOException {
        byte[] bytes = readFile(textFile);
        StrictUtf8.Result text = new StrictUtf8().decode(bytes, 0, bytes.length);
        if (!text.ok()) {
            throw new InvalidInputException(textFile + ": invalid UTF-8 at byte offset " + text.badOffset());
        }
        try {
            return WorkFingerprint.of(textFile.getFileName().toString(), new TextNormaliser().normalise(text.text()));
        } catch (IllegalArgumentException e) {
            // The only thing WorkFingerprint rejects here is a text too short to fingerprint: the user's file.
            throw new InvalidInputException(textFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a fingerprint file: to a temporary file beside it, moved over {@code file} when complete, so that a
     * failed write never leaves a cut-short fingerprint (which would exclude less than it should) or loses the old one.
     */
    public static void write(Path file, WorkFingerprint fp) throws IOException {
        Path target = file.toAbsolutePath();
        // Created as any new file is (the umask's mode, e.g. 0644: a fingerprint is made to be shared), not with
        // createTempFile's 0600; the name is unique to this process.
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        FileChecks.checkReplaceable("--out", file);
        Files.deleteIfExists(tmp);
        Files.createFile(tmp);
        try {
            writeTo(tmp, fp);
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeTo(Path file, WorkFingerprint fp) throws IOException {
        byte[] name = fp.name().getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        try (OutputStream raw = Files.newOutputStream(file);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw))) {
            ByteBuffer h = ByteBuffer.allocate(8 + 12 + name.length + 8).order(ByteOrder.LITTLE_ENDIAN);
            h.put(MAGIC).putInt(VERSION).putInt(WorkFingerprint.SHINGLE_WORDS).putInt(name.length).put(name)
                    .putLong(fp.shingles().length);
            out.write(h.array());
            crc.update(h.array());
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            for (long s : fp.shingles()) {
                out.write(b.clear().putLong(s).array());
                crc.update(b.array());
            }
            out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue()).array());
        }
    }

    /** Loads a fingerprint file, or fingerprints the file as text when it does not start with the magic. */
    public static WorkFingerprint load(Path file) throws IOException {
        byte[] bytes = readFile(file);
        if (bytes.length < 8 || !Arrays.equals(Arrays.copyOf(bytes, 8), MAGIC)) {
            return fromText(file);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try {
            b.position(8);
            int version = b.getInt();
            if (version != VERSION && version != UNCHECKED_VERSION) {
                throw new InvalidInputException(file + ": field version is " + version + ", expected " + VERSION
                        + " (or " + UNCHECKED_VERSION + ", written before fingerprints had a checksum)");
            }
            if (version == VERSION) {
                // Checked first: a flipped bit anywhere is damage, whatever field it lands in.
                b.limit(bytes.length - 4);
                CRC32C crc = new CRC32C();
                crc.update(bytes, 0, bytes.length - 4);
                int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                if (stored != (int) crc.getValue()) {
                    throw new InvalidInputException(file + ": checksum mismatch (CRC-32C); the fingerprint is corrupt,"
                            + " make it again with wafer data fingerprint");
                }
            }
            int words = b.getInt();
            if (words != WorkFingerprint.SHINGLE_WORDS) {
                throw new InvalidInputException(file + ": field shingleWords is " + words + ", this Wafer uses "
                        + WorkFingerprint.SHINGLE_WORDS + "; make the fingerprint again");
            }
            int nameLength = b.getInt();
            // Against what the file holds before allocating: a damaged length once asked for 2 GB.
            if (nameLength < 0 || nameLength > b.remaining() - 8) {
                throw new InvalidInputException(file + ": field nameLength is " + Integer.toUnsignedString(nameLength)
                        + " but " + Math.max(0, b.remaining() - 8) + " bytes follow before the count; the file is"
                        + " truncated or corrupt");
            }
            byte[] name = new byte[nameLength];
            b.get(name);
            long count = b.getLong();
            if (count != b.remaining() / 8 || b.remaining() % 8 != 0) {
                throw new InvalidInputException(file + ": field count is " + count + " but " + b.remaining()
                        + " bytes of shingles follow; the file is truncated or corrupt");
            }
            if (count == 0) {
                throw new InvalidInputException(file + ": field count is 0; a fingerprint holds at least one shingle,"
                        + " so the file is corrupt");
            }
            long[] shingles = new long[(int) count];
            b.asLongBuffer().get(shingles);
            return new WorkFingerprint(new String(name, StandardCharsets.UTF_8), shingles);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            if (e instanceof InvalidInputException i) {
                throw i;
            }
            throw new InvalidInputException(file + ": truncated fingerprint header", e);
        }
    }

    private static byte[] readFile(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new InvalidInputException(file + ": is a directory; give a text file or a fingerprint file");
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(file + ": no such file");
        }
        return Files.readAllBytes(file);
    }
}
