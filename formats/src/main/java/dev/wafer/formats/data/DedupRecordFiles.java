package dev.wafer.formats.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;

import dev.wafer.domain.data.Split;
import dev.wafer.ports.data.prepare.DedupRecords;

/**
 * Deduplication's per-document records in two scratch files: {@code records.bin} holds one fixed-size record per
 * input ordinal (offset of the strings, audit id, split, token count, the 32 bytes of the hash, the signature; zeros where a document
 * was excluded), so a record is one positioned read; {@code strings.bin} holds each document's source and location.
 * Records are written in ordinal order through a buffer and read back once writing ended.
 */
final class DedupRecordFiles implements DedupRecords {
    private static final int BUFFER = 1 << 16;
    private static final int HASH_BYTES = 32;

    private final Path dir;
    private final Path recordsFile;
    private final Path stringsFile;
    private final int signatureLength;
    private final int recordBytes;
    private final FileChannel records;
    private final FileChannel strings;
    private final ByteBuffer recordBuf;
    private final ByteBuffer stringBuf = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer readBuf;
    private long nextId;
    private long stringsEnd;
    private boolean reading;

    DedupRecordFiles(Path dir, int signatureLength) throws IOException {
        if (signatureLength < 0) {
            throw new IllegalArgumentException("negative signature length " + signatureLength);
        }
        this.dir = dir;
        Files.createDirectories(dir);
        this.recordsFile = dir.resolve("records.bin");
        this.stringsFile = dir.resolve("strings.bin");
        this.signatureLength = signatureLength;
        this.recordBytes = 8 + 4 + 1 + 4 + HASH_BYTES + 4 * signatureLength;
        this.recordBuf = ByteBuffer.allocate(Math.max(BUFFER, recordBytes)).order(ByteOrder.LITTLE_ENDIAN);
        this.readBuf = ByteBuffer.allocate(recordBytes).order(ByteOrder.LITTLE_ENDIAN);
        this.records = FileChannel.open(recordsFile, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel s = null;
        try {
            s = FileChannel.open(stringsFile, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
        } finally {
            if (s == null) {
                records.close();
            }
        }
        this.strings = s;
    }

    @Override
    public void put(int id, Entry entry) throws IOException {
        if (reading) {
            throw new IllegalStateException(recordsFile + ": records are being read");
        }
        if (id < nextId) {
            throw new IllegalArgumentException("record " + id + " after " + (nextId - 1));
        }
        if (entry.signature().length != signatureLength) {
            throw new IllegalArgumentException("signature of " + entry.signature().length + " entries, expected "
                    + signatureLength);
        }
        while (nextId < id) {
            // An excluded document: a record of zeros keeps the records at fixed positions.
            ensure(recordBuf, recordBytes, records, recordsFile);
            for (int i = 0; i < recordBytes; i++) {
                recordBuf.put((byte) 0);
            }
            nextId++;
        }
        long offset = stringsEnd;
        byte[] source = entry.source().getBytes(StandardCharsets.UTF_8);
        byte[] location = entry.location().getBytes(StandardCharsets.UTF_8);
        putString(source);
        putString(location);
        ensure(recordBuf, recordBytes, records, recordsFile);
        recordBuf.putLong(offset).putInt(entry.auditId()).put((byte) Split.ofFileName(entry.split()).ordinal())
                .putInt(entry.tokens()).put(HexFormat.of().parseHex(entry.hash()));
        for (int v : entry.signature()) {
            recordBuf.putInt(v);
        }
        nextId++;
    }

    private void putString(byte[] b) throws IOException {
        ensure(stringBuf, 4, strings, stringsFile);
        stringBuf.putInt(b.length);
        int at = 0;
        while (at < b.length) {
            ensure(stringBuf, 1, strings, stringsFile);
            int n = Math.min(stringBuf.remaining(), b.length - at);
            stringBuf.put(b, at, n);
            at += n;
        }
        stringsEnd += 4 + b.length;
    }

    private static void ensure(ByteBuffer buf, int bytes, FileChannel channel, Path file) throws IOException {
        if (buf.remaining() < bytes) {
            flush(buf, channel, file);
        }
    }

    private static void flush(ByteBuffer buf, FileChannel channel, Path file) throws IOException {
        buf.flip();
        DatasetFiles.writeFully(file, channel, buf);
        buf.clear();
    }

    @Override
    public Entry get(int id) throws IOException {
        if (!reading) {
            flush(recordBuf, records, recordsFile);
            flush(stringBuf, strings, stringsFile);
            reading = true;
        }
        if (id < 0 || id >= nextId) {
            throw new IllegalArgumentException("no record " + id);
        }
        readBuf.clear();
        readFully(records, readBuf, (long) id * recordBytes, recordsFile);
        readBuf.flip();
        long offset = readBuf.getLong();
        int auditId = readBuf.getInt();
        Split split = Split.values()[readBuf.get()];
        int tokens = readBuf.getInt();
        byte[] hash = new byte[HASH_BYTES];
        readBuf.get(hash);
        int[] signature = new int[signatureLength];
        for (int i = 0; i < signatureLength; i++) {
            signature[i] = readBuf.getInt();
        }
        String source = readString(offset);
        String location = readString(offset + 4 + source.getBytes(StandardCharsets.UTF_8).length);
        return new Entry(HexFormat.of().formatHex(hash), source, location, auditId, signature, split.fileName(),
                tokens);
    }

    private String readString(long at) throws IOException {
        ByteBuffer len = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        readFully(strings, len, at, stringsFile);
        int n = len.flip().getInt();
        if (n < 0 || at + 4 + n > stringsEnd) {
            throw new IOException(stringsFile + ": damaged at byte " + at);
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        readFully(strings, b, at + 4, stringsFile);
        return new String(b.array(), StandardCharsets.UTF_8);
    }

    private static void readFully(FileChannel channel, ByteBuffer buf, long position, Path file) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, at);
            if (n < 0) {
                throw new IOException(file + ": ends at byte " + at + ", inside a record");
            }
            at += n;
        }
    }

    @Override
    public void close() throws IOException {
        try (records; strings) {
            // both closed
        } finally {
            DatasetFiles.deleteTree(dir);
        }
    }
}
