package dev.wafer.formats.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code DIR/audit-ids.part}; {@link #close()} lists every piece with its size and checksum in {@code DIR/pieces},
 * one per line, for {@link RankShareAssembly}:
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
        return new DocumentListFile(channels, dir.resolve(DOCUMENTS),
                c -> lines.add(String.format(Locale.ROOT, "documents %d %d", c.bytes(), c.crc())));
    }

    @Override
    public AuditIndexOutput auditIndex() {
        return AuditIndexRuns.piece(channels, dir.resolve(AUDIT_KEYS), dir.resolve(AUDIT_IDS), dir.resolve("audit-tmp"),
                (pairs, keys, ids) -> lines.add(String.format(Locale.ROOT, "audit %d %d %d %d %d", pairs, keys.bytes(),
                        keys.crc(), ids.bytes(), ids.crc())));
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
