package dev.wafer.formats.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.zip.CRC32C;

/**
 * Rank 0's last step of a multi-rank pass 2: completes the dataset from the pieces every rank listed
 * ({@link RankShareFiles}). A shard's payload is already in place, written by the ranks; its header (sequence count
 * and CRC-32, combined from the pieces' CRCs: {@link CrcCombine}) is written here, after checking that the pieces
 * cover the payload without gap or overlap. {@code documents.jsonl} is the ranks' pieces joined in rank order, the
 * audit index its header, every rank's keys, then every rank's ids (rank {@code r} merged the r-th key range); their
 * CRC-32Cs are combined too, so nothing is read back to checksum it. The joins are in-kernel file copies.
 */
final class RankShareAssembly {
    private final DatasetLayout layout;
    private final OutputChannels channels;
    private final BiConsumer<String, FileCheck> record;

    /** @param record receives each completed file's name, size and checksum, for the manifest */
    RankShareAssembly(DatasetLayout layout, OutputChannels channels, BiConsumer<String, FileCheck> record) {
        this.layout = layout;
        this.channels = channels;
        this.record = record;
    }

    /** @param shares the ranks' piece directories, in rank order */
    void assemble(List<Path> shares, int sequenceLength, int vocabSize, int shingleWords, long auditDocuments)
            throws IOException {
        Map<String, List<long[]>> shardPieces = new TreeMap<>();
        long[][] documents = new long[shares.size()][];
        long[][] audit = new long[shares.size()][];
        for (int r = 0; r < shares.size(); r++) {
            Path list = shares.get(r).resolve(RankShareFiles.PIECES);
            for (String line : Files.readAllLines(list)) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "shard" -> shardPieces.computeIfAbsent(f[1], k -> new ArrayList<>())
                            .add(new long[] {Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4])});
                    case "documents" -> documents[r] = numbers(f);
                    case "audit" -> audit[r] = numbers(f);
                    default -> throw new IOException(list + ": unknown piece '" + line + "'");
                }
            }
            if (documents[r] == null || audit[r] == null) {
                throw new IOException(list + ": rank " + r + " lists no document or audit piece");
            }
        }
        int tokenBytes = ShardHeader.tokenBytesFor(vocabSize);
        for (Map.Entry<String, List<long[]>> e : shardPieces.entrySet()) {
            writeShardHeader(e.getKey(), e.getValue(), sequenceLength, vocabSize, tokenBytes);
        }
        joinDocuments(shares, documents);
        joinAuditIndex(shares, audit, shingleWords, auditDocuments);
    }

    private static long[] numbers(String[] f) {
        long[] n = new long[f.length - 1];
        for (int i = 1; i < f.length; i++) {
            n[i - 1] = Long.parseLong(f[i]);
        }
        return n;
    }

    private void writeShardHeader(String name, List<long[]> pieces, int sequenceLength, int vocabSize,
                                  int tokenBytes) throws IOException {
        pieces.sort((a, b) -> Long.compare(a[0], b[0]));
        long payload = 0;
        long crc = 0;
        for (long[] p : pieces) {
            if (p[0] != payload) {
                throw new IOException(name + ": the ranks' pieces leave a gap or overlap at payload byte " + payload
                        + " (next piece starts at " + p[0] + ")");
            }
            crc = payload == 0 ? p[2] : CrcCombine.CRC32.combine(crc, p[2], p[1]);
            payload += p[1];
        }
        long sequenceBytes = (long) sequenceLength * tokenBytes;
        if (payload % sequenceBytes != 0) {
            throw new IOException(name + ": the ranks wrote " + payload + " payload bytes, not whole sequences");
        }
        Path file = layout.dir().resolve(name);
        ShardHeader header = new ShardHeader(tokenBytes, vocabSize, sequenceLength, payload / sequenceBytes, crc);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (ch.size() != ShardHeader.SIZE + payload) {
                throw new IOException(file + ": " + ch.size() + " bytes, the ranks' pieces make "
                        + (ShardHeader.SIZE + payload));
            }
            ByteBuffer b = header.encode();
            long at = 0;
            while (b.hasRemaining()) {
                at += ch.write(b, at);
            }
            ch.force(true);
        }
        record.accept(name, new FileCheck(ShardHeader.SIZE + payload, crc));
    }

    private void joinDocuments(List<Path> shares, long[][] documents) throws IOException {
        Path file = layout.documents();
        long crc = 0;
        long bytes = 0;
        try (SeekableByteChannel out = channels.create(file)) {
            for (int r = 0; r < shares.size(); r++) {
                append(shares.get(r).resolve(RankShareFiles.DOCUMENTS), documents[r][0], out);
                crc = bytes == 0 ? documents[r][1] : CrcCombine.CRC32C.combine(crc, documents[r][1], documents[r][0]);
                bytes += documents[r][0];
            }
            OutputChannels.force(out);
        }
        record.accept(file.getFileName().toString(), new FileCheck(bytes, crc));
    }

    private void joinAuditIndex(List<Path> shares, long[][] audit, int shingleWords, long documents)
            throws IOException {
        Path file = layout.auditIndex();
        long pairs = 0;
        for (long[] a : audit) {
            pairs += a[0];
        }
        byte[] header = AuditIndexFile.header(shingleWords, pairs, documents);
        CRC32C headerCrc = new CRC32C();
        headerCrc.update(header);
        long crc = headerCrc.getValue();
        long bytes = header.length;
        try (SeekableByteChannel out = channels.create(file)) {
            DatasetFiles.writeFully(file, out, ByteBuffer.wrap(header));
            // Keys of every range first, then ids, as the format stores them.
            for (int part = 0; part < 2; part++) {
                String name = part == 0 ? RankShareFiles.AUDIT_KEYS : RankShareFiles.AUDIT_IDS;
                for (int r = 0; r < shares.size(); r++) {
                    long size = audit[r][1 + 2 * part];
                    append(shares.get(r).resolve(name), size, out);
                    crc = CrcCombine.CRC32C.combine(crc, audit[r][2 + 2 * part], size);
                    bytes += size;
                }
            }
            OutputChannels.force(out);
        }
        record.accept(file.getFileName().toString(), new FileCheck(bytes, crc));
    }

    /** Appends the whole of {@code piece}, which must hold {@code size} bytes, at {@code out}'s position. */
    private static void append(Path piece, long size, WritableByteChannel out) throws IOException {
        try (FileChannel in = FileChannel.open(piece, StandardOpenOption.READ)) {
            if (in.size() != size) {
                throw new IOException(piece + ": " + in.size() + " bytes, its rank listed " + size);
            }
            long done = 0;
            while (done < size) {
                done += in.transferTo(done, size - done, out);
            }
        }
    }
}
