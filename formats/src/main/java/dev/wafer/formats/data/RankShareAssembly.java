package dev.wafer.formats.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
 * cover the payload without gap or overlap. {@code documents.jsonl} is the ranks' pieces in rank order, the audit
 * index its header, every rank's keys, then every rank's ids (rank {@code r} merged the r-th key range), all placed
 * by the ranks themselves; only the audit header is written here, and the CRC-32Cs are combined from the pieces', so
 * rank 0 neither copies nor reads back any data.
 */
final class RankShareAssembly {
    private final DatasetLayout layout;
    private final BiConsumer<String, FileCheck> record;

    /** @param record receives each completed file's name, size and checksum, for the manifest */
    RankShareAssembly(DatasetLayout layout, BiConsumer<String, FileCheck> record) {
        this.layout = layout;
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
        joinDocuments(documents);
        joinAuditIndex(audit, shingleWords, auditDocuments);
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

    /** The ranks placed their pieces ({@link RankShareFiles#place}); the checksum is combined from theirs. */
    private void joinDocuments(long[][] documents) throws IOException {
        Path file = layout.documents();
        long crc = 0;
        long bytes = 0;
        for (long[] d : documents) {
            crc = CrcCombine.CRC32C.combine(crc, d[1], d[0]);
            bytes += d[0];
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            requireSize(file, ch, bytes);
        }
        record.accept(file.getFileName().toString(), new FileCheck(bytes, crc));
    }

    /** The ranks placed keys and ids ({@link RankShareFiles#place}); the header goes in front of them. */
    private void joinAuditIndex(long[][] audit, int shingleWords, long documents) throws IOException {
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
        // Keys of every range first, then ids, as the format stores them.
        for (int part = 0; part < 2; part++) {
            for (long[] a : audit) {
                crc = CrcCombine.CRC32C.combine(crc, a[2 + 2 * part], a[1 + 2 * part]);
                bytes += a[1 + 2 * part];
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            // The ranks' pieces end where the file ends (nothing written at all where the index is empty).
            requireSize(file, ch, pairs == 0 ? 0 : bytes);
            ByteBuffer b = ByteBuffer.wrap(header);
            long at = 0;
            while (b.hasRemaining()) {
                at += ch.write(b, at);
            }
            ch.force(true);
        }
        record.accept(file.getFileName().toString(), new FileCheck(bytes, crc));
    }

    private static void requireSize(Path file, FileChannel ch, long bytes) throws IOException {
        long size = ch.size();
        if (size != bytes && !(size == 0 && bytes == 0)) {
            throw new IOException(file + ": " + size + " bytes, the ranks' pieces make " + bytes);
        }
    }
}
