package dev.wafer.formats.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import dev.wafer.domain.data.Split;
import dev.wafer.ports.data.prepare.AuditIndexOutput;
import dev.wafer.ports.data.prepare.PackedDocumentList;
import dev.wafer.ports.data.prepare.RankShare;
import dev.wafer.ports.data.prepare.TokenStreamOutput;

/**
 * One rank's share of a multi-rank pass 2 in the dataset's build directory: its stretches of the shards go straight
 * into the shard files ({@link ShardStretchWriter}); its piece of {@code documents.jsonl} and its key range of the
 * audit index (keys and ids apart) go to {@code DIR/documents.part}, {@code DIR/audit-keys.part} and
 * {@code DIR/audit-ids.part}, which {@link #place} copies (in-kernel) to their places in {@code documents.jsonl} and
 * the audit index once every rank's sizes are known; {@link #close()} lists every piece with its size and checksum
 * in {@code DIR/pieces}, one per line, for {@link RankShareAssembly}:
 * <pre>
 * shard FILE OFFSET LENGTH CRC32       (a range of a shard's payload)
 * documents BYTES CRC32C
 * audit PAIRS KEYS_BYTES KEYS_CRC32C IDS_BYTES IDS_CRC32C
 * </pre>
 */
final class RankShareFiles implements RankShare {
    static final String PIECES = "pieces";
    static final String DOCUMENTS = "documents.part";
    static final String AUDIT_KEYS = "audit-keys.part";
    static final String AUDIT_IDS = "audit-ids.part";

    private final DatasetLayout layout;
    private final Path dir;
    private final OutputChannels channels;
    /** Written by the audit index's thread too. */
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private volatile FileCheck documents;
    private volatile long auditPairs = -1;
    private volatile FileCheck auditKeys;
    private volatile FileCheck auditIds;

    /** @param dir this rank's directory for its pieces, created here */
    RankShareFiles(DatasetLayout layout, Path dir, OutputChannels channels) throws IOException {
        this.layout = layout;
        this.dir = Files.createDirectories(dir);
        this.channels = channels;
    }

    @Override
    public TokenStreamOutput tokens(String split, long first, long limit, int sequenceLength, long sequencesPerShard,
                                    int vocabSize) {
        return new ShardStretchWriter(layout, Split.ofFileName(split), first, limit, sequenceLength, sequencesPerShard,
                vocabSize, p -> lines.add(String.format(Locale.ROOT, "shard %s %d %d %d", p.file(), p.offset(),
                        p.length(), p.crc())));
    }

    @Override
    public PackedDocumentList documents() throws IOException {
        return new DocumentListFile(channels, dir.resolve(DOCUMENTS), c -> {
            documents = c;
            lines.add(String.format(Locale.ROOT, "documents %d %d", c.bytes(), c.crc()));
        });
    }

    @Override
    public AuditIndexOutput auditIndex() {
        return AuditIndexRuns.piece(channels, dir.resolve(AUDIT_KEYS), dir.resolve(AUDIT_IDS), dir.resolve("audit-tmp"),
                (pairs, keys, ids) -> {
                    auditKeys = keys;
                    auditIds = ids;
                    auditPairs = pairs;
                    lines.add(String.format(Locale.ROOT, "audit %d %d %d %d %d", pairs, keys.bytes(), keys.crc(),
                            ids.bytes(), ids.crc()));
                });
    }

    @Override
    public long[] sizes() {
        if (documents == null || auditPairs < 0) {
            throw new IllegalStateException(dir + ": the document list and the audit piece must be complete first");
        }
        return new long[] {documents.bytes(), auditPairs};
    }

    @Override
    public void place(long documentsBefore, long pairsBefore, long pairsTotal) throws IOException {
        copy(dir.resolve(DOCUMENTS), layout.documents(), documentsBefore);
        long keys = AuditIndexFile.HEADER + 8 * pairsBefore;
        long ids = AuditIndexFile.HEADER + 8 * pairsTotal + 4 * pairsBefore;
        copy(dir.resolve(AUDIT_KEYS), layout.auditIndex(), keys);
        copy(dir.resolve(AUDIT_IDS), layout.auditIndex(), ids);
    }

    /** Copies all of {@code piece} into {@code file} at {@code at} (other ranks write other ranges), then drops it. */
    private static void copy(Path piece, Path file, long at) throws IOException {
        try (FileChannel in = FileChannel.open(piece, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long size = in.size();
            out.position(at);
            long done = 0;
            while (done < size) {
                done += in.transferTo(done, size - done, out);
            }
            out.force(true);
        } catch (IOException e) {
            throw new IOException("cannot copy " + piece + " into " + file + ": " + IoFailures.reason(e), e);
        }
        Files.delete(piece);
    }

    @Override
    public void close() throws IOException {
        List<String> copy;
        synchronized (lines) {
            copy = new ArrayList<>(lines);
        }
        try (ChecksummedOutput out = new ChecksummedOutput(channels, dir.resolve(PIECES), 1 << 12, c -> { })) {
            out.write((String.join("\n", copy) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }
}
