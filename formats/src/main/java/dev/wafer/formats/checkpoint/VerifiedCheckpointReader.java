package dev.wafer.formats.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;

import dev.wafer.formats.fileio.TensorStreams;
import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.ports.checkpoint.CheckpointException.Problem;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.TensorSpec;

/**
 * Opens a checkpoint and verifies all of it before handing out anything: structure first (so a truncated or
 * foreign file gets the specific message), then checksums, tensor by tensor (so a flipped bit is blamed on the
 * tensor that holds it), then the whole file (covering padding and the checksum table). {@link #readHeader} stops
 * after the header's own checks, for a question the header answers.
 */
final class VerifiedCheckpointReader implements CheckpointReader {
    private final Path file;
    private final FileChannel channel;
    private final int version;
    private final CheckpointHeader header;
    private ByteBuffer chunk;
    private final Map<String, TensorEntry> tensors = new LinkedHashMap<>();
    private final long dataStart;
    private final long contentChecksum;

    private VerifiedCheckpointReader(Path file, FileChannel channel, int version, CheckpointHeaderCodec.Decoded decoded,
            long dataStart, long contentChecksum) {
        this.file = file;
        this.channel = channel;
        this.version = version;
        this.header = decoded.header();
        this.dataStart = dataStart;
        this.contentChecksum = contentChecksum;
        for (TensorEntry e : decoded.tensors()) {
            tensors.put(e.spec().name(), e);
        }
    }

    static VerifiedCheckpointReader open(Path file) {
        FileChannel channel = openChannel(file);
        try {
            return verify(file, channel);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new CheckpointException(Problem.IO, file, "read failed: " + e.getMessage(), e);
        }
    }

    /**
     * Reads and verifies the header alone: magic, version, the header's CRC-32C (which covers the whole header JSON in
     * versions 1 and 2), its decoding and the tensor index's offsets. No tensor byte is read, so a checkpoint whose
     * tensor data is damaged or cut short still yields its header; {@link #open} is what vouches for the tensors.
     */
    static CheckpointHeader readHeader(Path file) {
        FileChannel channel = openChannel(file);
        try (channel) {
            return readVerifiedHeader(file, channel, channel.size()).decoded().header();
        } catch (IOException e) {
            throw new CheckpointException(Problem.IO, file, "read failed: " + e.getMessage(), e);
        }
    }

    private static FileChannel openChannel(Path file) {
        if (Files.isDirectory(file)) {
            // A mistake in the path, not a failing disk: the same one-line refusal (exit 2) from every command.
            throw new CheckpointException(Problem.WRONG_MAGIC, file, "is a directory, not a checkpoint file");
        }
        var special = dev.wafer.formats.fileio.FileKinds.nonRegularTarget(file);
        if (special.isPresent()) {
            // Opening a FIFO blocks until a writer comes, i.e. forever: refused before the open.
            throw new CheckpointException(Problem.WRONG_MAGIC, file, "is " + special.get()
                    + ", not a regular file; give a checkpoint file");
        }
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(Problem.IO, file, "file does not exist");
        } catch (IOException e) {
            throw new CheckpointException(Problem.IO, file, "cannot open: " + e.getMessage(), e);
        }
    }

    /** The verified header: its decoded sections and tensor index, the format version and where the data starts. */
    private record VerifiedHeader(int version, CheckpointHeaderCodec.Decoded decoded, long dataStart) {
    }

    private static VerifiedHeader readVerifiedHeader(Path file, FileChannel channel, long size) throws IOException {
        if (size >= CheckpointLayout.MAGIC.length) {
            byte[] magic = new byte[CheckpointLayout.MAGIC.length];
            TensorStreams.readFully(channel, 0, ByteBuffer.wrap(magic));
            if (!Arrays.equals(magic, CheckpointLayout.MAGIC)) {
                throw new CheckpointException(Problem.WRONG_MAGIC, file, "not a Wafer checkpoint (the first bytes are "
                        + printable(magic) + ", expected \"WAFERCKP\")");
            }
        }
        if (size < CheckpointLayout.PREAMBLE_BYTES) {
            throw truncated(file, size, CheckpointLayout.PREAMBLE_BYTES);
        }
        ByteBuffer preamble = ByteBuffer.allocate(CheckpointLayout.PREAMBLE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        TensorStreams.readFully(channel, 0, preamble);
        int version = preamble.getInt(8);
        int headerCrc = preamble.getInt(12);
        long headerBytes = preamble.getLong(16);
        if (version > CheckpointLayout.FORMAT_VERSION) {
            throw newerOrDamaged(file, channel, size, version, headerCrc, headerBytes);
        }
        if (version < 1) {
            throw new CheckpointException(Problem.MALFORMED_HEADER, file, "invalid format version " + version);
        }
        if (headerBytes < 2 || headerBytes > CheckpointLayout.MAX_HEADER_BYTES) {
            throw new CheckpointException(Problem.MALFORMED_HEADER, file, "implausible header length " + headerBytes);
        }
        if (size < CheckpointLayout.PREAMBLE_BYTES + headerBytes) {
            throw truncated(file, size, CheckpointLayout.PREAMBLE_BYTES + headerBytes);
        }
        byte[] json = new byte[(int) headerBytes];
        TensorStreams.readFully(channel, CheckpointLayout.PREAMBLE_BYTES, ByteBuffer.wrap(json));
        CRC32C crc = new CRC32C();
        crc.update(json);
        if ((int) crc.getValue() != headerCrc) {
            throw new CheckpointException(Problem.CHECKSUM_MISMATCH, file, "header checksum mismatch (the header JSON is corrupt)");
        }
        CheckpointHeaderCodec.Decoded decoded = CheckpointHeaderCodec.decode(file, version, json);
        long dataStart = CheckpointLayout.dataStart(headerBytes);
        expectedSize(file, decoded.tensors(), dataStart); // refuses an invalid tensor offset: the header is wrong
        return new VerifiedHeader(version, decoded, dataStart);
    }

    private static VerifiedCheckpointReader verify(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        VerifiedHeader verified = readVerifiedHeader(file, channel, size);
        int version = verified.version();
        CheckpointHeaderCodec.Decoded decoded = verified.decoded();
        long dataStart = verified.dataStart();
        long expected = expectedSize(file, decoded.tensors(), dataStart);
        if (size < expected) {
            throw truncated(file, size, expected);
        }
        if (size > expected) {
            throw new CheckpointException(Problem.MALFORMED_HEADER, file, (size - expected)
                    + " unexpected bytes after the end of the checkpoint (file has " + size + " bytes, header implies " + expected + ")");
        }
        byte[] end = new byte[CheckpointLayout.END_MARKER.length];
        TensorStreams.readFully(channel, size - end.length, ByteBuffer.wrap(end));
        if (!Arrays.equals(end, CheckpointLayout.END_MARKER)) {
            throw new CheckpointException(Problem.CHECKSUM_MISMATCH, file, "end marker is corrupt");
        }
        long content = verifyChecksums(file, channel, decoded.tensors(), dataStart, size);
        return new VerifiedCheckpointReader(file, channel, version, decoded, dataStart, content);
    }

    /**
     * A version field above this build's: the preamble's version is not checksummed, so a flipped bit there looks
     * like a newer file. The header JSON (checksummed) records the version too: when it vouches for the field, the
     * file is newer; when it records another version, the file is damaged; when it cannot be read (a newer layout,
     * or damage), both are possible and the message says so rather than sending the user to upgrade.
     */
    private static CheckpointException newerOrDamaged(Path file, FileChannel channel, long size, int version,
            int headerCrc, long headerBytes) throws IOException {
        Object recorded = null;
        if (headerBytes >= 2 && headerBytes <= CheckpointLayout.MAX_HEADER_BYTES
                && size >= CheckpointLayout.PREAMBLE_BYTES + headerBytes) {
            byte[] json = new byte[(int) headerBytes];
            TensorStreams.readFully(channel, CheckpointLayout.PREAMBLE_BYTES, ByteBuffer.wrap(json));
            CRC32C crc = new CRC32C();
            crc.update(json);
            if ((int) crc.getValue() == headerCrc) {
                try {
                    if (HeaderJson.parse(json) instanceof java.util.Map<?, ?> root) {
                        recorded = root.get("version");
                    }
                } catch (HeaderJson.SyntaxException e) {
                    recorded = null;
                }
            }
        }
        String newer = "this build reads up to version " + CheckpointLayout.FORMAT_VERSION;
        if (recorded instanceof Number n && n.doubleValue() == version) {
            return new CheckpointException(Problem.NEWER_VERSION, file, "format version " + version
                    + " was written by a newer Wafer; " + newer + ". Upgrade Wafer to load it");
        }
        if (recorded instanceof Number n) {
            return new CheckpointException(Problem.CHECKSUM_MISMATCH, file, "the format version field reads "
                    + version + " but the checksummed header records version " + n.longValue()
                    + ": the file is damaged");
        }
        return new CheckpointException(Problem.NEWER_VERSION, file, "format version " + version + ": either a newer"
                + " Wafer wrote it (" + newer + ") or the file is damaged (its header does not confirm the version)");
    }

    private static long expectedSize(Path file, List<TensorEntry> entries, long dataStart) {
        long end = 0;
        for (TensorEntry e : entries) {
            if (e.offset() < end || e.offset() % CheckpointLayout.ALIGNMENT != 0) {
                throw new CheckpointException(Problem.MALFORMED_HEADER, file, "tensor '" + e.spec().name()
                        + "' has an invalid offset " + e.offset());
            }
            end = e.offset() + e.bytes();
        }
        return dataStart + end + CheckpointLayout.footerBytes(entries.size());
    }

    /** Verifies every tensor's and the whole file's checksum; returns the CRC-32C of the tensors' checksums. */
    private static long verifyChecksums(Path file, FileChannel channel, List<TensorEntry> entries, long dataStart,
            long size) throws IOException {
        long crcTableAt = dataStart + (entries.isEmpty() ? 0 : last(entries).offset() + last(entries).bytes());
        ByteBuffer table = ByteBuffer.allocate(4 * entries.size() + 4).order(ByteOrder.LITTLE_ENDIAN);
        TensorStreams.readFully(channel, crcTableAt, table);
        CRC32C fileCrc = new CRC32C();
        ByteBuffer chunk = TensorStreams.newChunk();
        long pos = 0;
        for (int i = 0; i < entries.size(); i++) {
            TensorEntry e = entries.get(i);
            long start = dataStart + e.offset();
            feed(channel, pos, start, chunk, fileCrc);
            CRC32C tensorCrc = new CRC32C();
            feed(channel, start, start + e.bytes(), chunk, fileCrc, tensorCrc);
            pos = start + e.bytes();
            if ((int) tensorCrc.getValue() != table.getInt(4 * i)) {
                throw new CheckpointException(Problem.CHECKSUM_MISMATCH, file, "checksum mismatch in tensor '"
                        + e.spec().name() + "' " + e.spec().shapeText()
                        // The table is covered only by the whole-file checksum: it cannot tell which one is damaged.
                        + ": its data or its entry in the checksum table is corrupt");
            }
        }
        feed(channel, pos, crcTableAt + 4L * entries.size(), chunk, fileCrc);
        if ((int) fileCrc.getValue() != table.getInt(4 * entries.size())) {
            throw new CheckpointException(Problem.CHECKSUM_MISMATCH, file, "whole-file checksum mismatch "
                    + "(corruption outside the tensor data: padding or checksum table)");
        }
        assert crcTableAt + table.capacity() + CheckpointLayout.END_MARKER.length == size;
        CRC32C content = new CRC32C();
        content.update(table.array(), 0, 4 * entries.size());
        return content.getValue();
    }

    private static TensorEntry last(List<TensorEntry> entries) {
        return entries.get(entries.size() - 1);
    }

    private static void feed(FileChannel channel, long from, long to, ByteBuffer chunk, CRC32C... crcs) throws IOException {
        long pos = from;
        while (pos < to) {
            int n = (int) Math.min(chunk.capacity(), to - pos);
            chunk.clear().limit(n);
            TensorStreams.readFully(channel, pos, chunk);
            chunk.flip();
            TensorStreams.update(chunk, crcs);
            pos += n;
        }
    }

    private static CheckpointException truncated(Path file, long size, long expected) {
        return new CheckpointException(Problem.TRUNCATED, file, "truncated: the file has " + size
                + " bytes but needs at least " + expected + " (an interrupted copy or a full disk?)");
    }

    private static String printable(byte[] bytes) {
        StringBuilder sb = new StringBuilder("\"");
        for (byte b : bytes) {
            sb.append(b >= 32 && b < 127 ? (char) b : '?');
        }
        return sb.append('"').toString();
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Already failing with a more useful error.
        }
    }

    @Override
    public CheckpointHeader header() {
        return header;
    }

    @Override
    public long contentChecksum() {
        return contentChecksum;
    }

    @Override
    public int formatVersion() {
        return version;
    }

    @Override
    public List<TensorSpec> tensors() {
        return tensors.values().stream().map(TensorEntry::spec).toList();
    }

    @Override
    public Optional<TensorSpec> find(String name) {
        return Optional.ofNullable(tensors.get(name)).map(TensorEntry::spec);
    }

    @Override
    public TensorSpec require(String name, int... shape) {
        TensorSpec spec = entry(name).spec();
        if (!spec.hasShape(shape)) {
            throw new CheckpointException(Problem.SHAPE_MISMATCH, file, "tensor '" + name + "' has shape "
                    + spec.shapeText() + " but " + Arrays.toString(shape) + " is required");
        }
        return spec;
    }

    @Override
    public synchronized void read(String name, FloatBuffer destination) {
        requireOpen();
        TensorEntry e = entry(name);
        if (destination.remaining() != e.spec().elementCount()) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + e.spec().elementCount()
                    + " elements but the destination has room for " + destination.remaining());
        }
        try {
            if (chunk == null) {
                chunk = TensorStreams.newChunk(); // one per reader: a direct buffer per tensor is slow to allocate
            }
            TensorStreams.read(channel, dataStart + e.offset(), destination, chunk);
        } catch (IOException ex) {
            throw new CheckpointException(Problem.IO, file, "reading tensor '" + name + "' failed: " + ex.getMessage(), ex);
        }
    }

    @Override
    public float[] read(String name) {
        requireOpen();
        float[] out = new float[Math.toIntExact(entry(name).spec().elementCount())];
        read(name, FloatBuffer.wrap(out));
        return out;
    }

    /** Tensor data comes from the file: after {@link #close} the channel is gone (it failed as "failed: null"). */
    private void requireOpen() {
        if (!channel.isOpen()) {
            throw new IllegalStateException("the checkpoint reader of " + file + " is closed");
        }
    }

    private TensorEntry entry(String name) {
        TensorEntry e = tensors.get(name);
        if (e == null) {
            throw new CheckpointException(Problem.MISSING_TENSOR, file, "tensor '" + name + "' is missing (the file has "
                    + tensors.size() + " tensors" + (tensors.isEmpty() ? "" : ", e.g. '" + tensors.keySet().iterator().next() + "'") + ")");
        }
        return e;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new CheckpointException(Problem.IO, file, "close failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "checkpoint " + file + " (" + tensors.size() + " tensors, " + new String(CheckpointLayout.MAGIC, StandardCharsets.US_ASCII) + " v" + version + ")";
    }
}
