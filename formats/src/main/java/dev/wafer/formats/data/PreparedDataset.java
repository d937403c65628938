package dev.wafer.formats.data;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.formats.input.InvalidInputException;
import dev.wafer.domain.data.Split;

/**
 * A prepared dataset opened for use, with every file checked against the manifest where it is used, so that a
 * damaged file stops the command with one line naming it instead of giving a wrong answer:
 * <ul>
 * <li>on open (every command: {@code stats}, {@code audit}, {@code train}): the manifest's SHA-256, its fields,
 * and the size of every file it lists (no file is read);</li>
 * <li>{@link #openSplit}: each shard's header CRC-32 and sequence count against the manifest, and its payload's
 * CRC-32 against its header (one sequential read of the split, which {@code train} does);</li>
 * <li>{@link #openAuditIndex}: the index's CRC-32C (one read of the index, which {@code audit} does);</li>
 * <li>{@link #documentsByAuditId}: {@code documents.jsonl}'s CRC-32C, computed while it is scanned.</li>
 * </ul>
 */
public final class PreparedDataset {
    private static final ObjectMapper LINE = new ObjectMapper();
    private static final long CRC_CHUNK = 1L << 30;

    private final Path dir;
    private final DatasetLayout layout;
    private final DatasetManifest manifest;

    private PreparedDataset(Path dir, DatasetManifest manifest) {
        this.dir = dir;
        this.layout = new DatasetLayout(dir);
        this.manifest = manifest;
    }

    /**
     * Opens and verifies a dataset directory's manifest and file sizes.
     *
     * @param flag the option that named {@code dir} ({@code --dataset}, {@code --data}), for messages
     * @throws InvalidInputException naming the file and problem when the dataset is missing or damaged
     */
    public static PreparedDataset open(Path dir, String flag) throws IOException {
        PreparedDataset dataset = new PreparedDataset(dir, ManifestJson.read(dir, flag));
        dataset.checkSizes();
        dataset.checkShardHeaders();
        return dataset;
    }

    /**
     * Compares every shard's header (64 bytes each) with the manifest's sequence length, vocabulary and count, so
     * an edited manifest is refused by every command that reads it, not only by those that open the shards.
     */
    private void checkShardHeaders() throws IOException {
        DatasetManifest.Settings s = manifest.settings();
        for (Map.Entry<Split, DatasetManifest.SplitEntry> e : manifest.splits().entrySet()) {
            List<DatasetManifest.Shard> shards = e.getValue().shards();
            for (int i = 0; i < shards.size(); i++) {
                Path file = layout.shard(e.getKey(), i);
                ShardHeader h;
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
                    java.nio.ByteBuffer raw = java.nio.ByteBuffer.allocate(ShardHeader.SIZE);
                    while (raw.hasRemaining() && ch.read(raw) >= 0) {
                        // read the header, however the channel splits it
                    }
                    h = ShardHeader.decode(file.toString(), raw.flip(), ch.size());
                }
                String where = dir.resolve(DatasetLayout.MANIFEST) + ": field ";
                if (h.seqLen() != s.seqLen()) {
                    throw new InvalidInputException(where + "settings.seq_len is " + s.seqLen() + " but " + file
                            + " holds sequences of " + h.seqLen());
                }
                if (h.vocabSize() != s.vocabSize()) {
                    throw new InvalidInputException(where + "settings.vocab_size is " + s.vocabSize() + " but " + file
                            + " records vocabulary " + h.vocabSize());
                }
                if (h.count() != shards.get(i).sequences()) {
                    throw new InvalidInputException(where + "splits." + e.getKey().fileName() + ".shards[" + i
                            + "].sequences is " + shards.get(i).sequences() + " but " + file + " holds " + h.count());
                }
            }
        }
    }

    /** The verified manifest. */
    public DatasetManifest manifest() {
        return manifest;
    }

    private void checkSizes() throws IOException {
        for (DatasetManifest.SplitEntry split : manifest.splits().values()) {
            for (DatasetManifest.Shard shard : split.shards()) {
                checkSize(shard.file(), shard.bytes());
            }
        }
        for (Map.Entry<String, DatasetManifest.FileEntry> f : manifest.files().entrySet()) {
            checkSize(f.getKey(), f.getValue().bytes());
        }
    }

    private void checkSize(String name, long expected) throws IOException {
        Path file = dir.resolve(name);
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": missing, but " + DatasetLayout.MANIFEST + " lists it; the dataset"
                    + " is incomplete, prepare it again");
        }
        if (size != expected) {
            throw new InvalidInputException(file + ": " + size + " bytes but " + DatasetLayout.MANIFEST + " records "
                    + expected + "; the file is damaged, prepare the dataset again");
        }
    }

    /** Opens one split's shards, checked against the manifest and their payload checksums. */
    public ShardedSequences openSplit(Split split) throws IOException {
        List<DatasetManifest.Shard> listed = manifest.split(split).map(DatasetManifest.SplitEntry::shards)
                .orElse(List.of());
        ShardedSequences sequences = ShardedSequences.open(layout, split, true);
        try {
            if (sequences.shardCount() != listed.size()) {
                throw new InvalidShardException(dir + ": " + sequences.shardCount() + " " + split.fileName()
                        + " shards on disk but " + DatasetLayout.MANIFEST + " lists " + listed.size());
            }
            for (int i = 0; i < listed.size(); i++) {
                TokenShard shard = sequences.shard(i);
                String crc = String.format(java.util.Locale.ROOT, "%08x", shard.crc32());
                DatasetManifest.Shard entry = listed.get(i);
                if (!crc.equals(entry.crc32()) || shard.count() != entry.sequences()) {
                    throw new InvalidShardException(layout.shard(split, i) + ": header says " + shard.count()
                            + " sequences, CRC-32 " + crc + " but " + DatasetLayout.MANIFEST + " records "
                            + entry.sequences() + ", " + entry.crc32()
                            + "; the shard does not belong to this dataset, prepare it again");
                }
            }
            return sequences;
        } catch (RuntimeException e) {
            sequences.close();
            throw e;
        }
    }

    /** Maps the audit index after checking its CRC-32C against the manifest. */
    public AuditIndexFile.Mapped openAuditIndex() throws IOException {
        AuditIndexFile.Mapped index = AuditIndexFile.open(layout.auditIndex());
        try {
            CRC32C crc = new CRC32C();
            MemorySegment all = index.segment();
            for (long pos = 0; pos < all.byteSize(); pos += CRC_CHUNK) {
                crc.update(all.asSlice(pos, Math.min(CRC_CHUNK, all.byteSize() - pos)).asByteBuffer());
            }
            expectCrc(layout.auditIndex(), DatasetLayout.AUDIT_INDEX, crc.getValue());
            return index;
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
    }

    /**
     * The {@code documents.jsonl} entries whose {@code audit_id} is in {@code ids}. The whole file is read, so its
     * CRC-32C is checked on the way.
     */
    public Map<Integer, JsonNode> documentsByAuditId(Set<Integer> ids) throws IOException {
        Map<Integer, JsonNode> found = new HashMap<>();
        CRC32C crc = new CRC32C();
        try (InputStream raw = Files.newInputStream(layout.documents());
             var lines = new Utf8Lines(new CheckedInputStream(raw, crc))) {
            for (String line = lines.next(); line != null; line = lines.next()) {
                if (!ids.isEmpty() && line.contains("\"audit_id\":")) {
                    JsonNode n = parseLine(line);
                    int id = n.path("audit_id").asInt();
                    if (ids.contains(id)) {
                        found.put(id, n);
                    }
                }
            }
        }
        expectCrc(layout.documents(), DatasetLayout.DOCUMENTS, crc.getValue());
        return found;
    }

    /**
     * Hands every {@code documents.jsonl} entry (one kept document each, in file order) to {@code each}; the whole
     * file is read, its CRC-32C checked at the end.
     */
    public void forEachDocument(java.util.function.Consumer<JsonNode> each) throws IOException {
        CRC32C crc = new CRC32C();
        try (InputStream raw = Files.newInputStream(layout.documents());
             var lines = new Utf8Lines(new CheckedInputStream(raw, crc))) {
            for (String line = lines.next(); line != null; line = lines.next()) {
                each.accept(parseLine(line));
            }
        }
        expectCrc(layout.documents(), DatasetLayout.DOCUMENTS, crc.getValue());
    }

    /**
     * The lines of {@code duplicates.jsonl} (one removed document each), its CRC-32C checked against the manifest.
     *
     * @throws InvalidInputException when the dataset was prepared without {@code --dedup}, or the file is damaged
     */
    public List<String> duplicateLines() throws IOException {
        if (!manifest.deduplicated()) {
            throw new InvalidInputException(layout.dir() + " was prepared without --dedup: it has no "
                    + DatasetLayout.DUPLICATES);
        }
        byte[] bytes = Files.readAllBytes(layout.duplicates());
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        expectCrc(layout.duplicates(), DatasetLayout.DUPLICATES, crc.getValue());
        return new String(bytes, StandardCharsets.UTF_8).lines().toList();
    }

    private JsonNode parseLine(String line) {
        try {
            return LINE.readTree(line);
        } catch (IOException e) {
            // A damaged line is caught by the checksum at the end; until then it is skipped.
            return LINE.createObjectNode();
        }
    }

    /** Refuses {@code file} (the manifest's {@code name}) when its CRC-32C is not the one the manifest records. */
    void expectCrc(Path file, String name, long actual) {
        String recorded = manifest.file(name).crc32c();
        String hex = String.format(java.util.Locale.ROOT, "%08x", actual);
        if (!hex.equals(recorded)) {
            throw new InvalidInputException(file + ": CRC-32C is " + hex + " but " + DatasetLayout.MANIFEST + " records "
                    + recorded + "; the file is damaged, prepare the dataset again");
        }
    }

    /** Lines of a UTF-8 stream, read fully (so a checksum over the stream covers the whole file). */
    private static final class Utf8Lines implements AutoCloseable {
        private final java.io.BufferedReader reader;

        Utf8Lines(InputStream in) {
            this.reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        }

        String next() throws IOException {
            return reader.readLine();
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
