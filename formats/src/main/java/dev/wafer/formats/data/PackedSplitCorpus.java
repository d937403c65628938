package dev.wafer.formats.data;

import dev.wafer.domain.data.SourceName;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.formats.input.InvalidInputException;
import dev.wafer.domain.data.Split;
import dev.wafer.ports.data.PackedCorpus;

/**
 * The documents and packed rows of one split of a prepared dataset, read back from the shards where preparation put them:
 * {@code documents.jsonl} gives each document's hash, source, location, token count, shard and offset; the shards of
 * a split form one token stream (all sequences in order), so a document's tokens are the {@code tokens} ids from its
 * position in that stream. A document cut by the dropped tail of the split offers only the tokens that were kept.
 * Not thread-safe (it keeps the last sequence read).
 */
public final class PackedSplitCorpus implements PackedCorpus, AutoCloseable {
    private static final ObjectMapper LINE = new ObjectMapper();

    private final ShardedSequences sequences;
    private final List<Document> documents;
    /** Stream position of the first token of each kept document. */
    private final long[] positions;
    /** Stream position of the first token of every document of the split, in packed order. */
    private final long[] allStarts;
    /** For every document of the split, its index in {@link #documents}, or -1 when filtered out. */
    private final int[] allIndex;
    private final int[] buffer;
    private long buffered = -1;

    private PackedSplitCorpus(ShardedSequences sequences, List<Document> documents, long[] positions,
                              long[] allStarts, int[] allIndex) {
        this.sequences = sequences;
        this.documents = Collections.unmodifiableList(documents);
        this.positions = positions;
        this.allStarts = allStarts;
        this.allIndex = allIndex;
        this.buffer = new int[sequences.sequenceLength()];
    }

    /**
     * Opens {@code split}'s documents of the dataset {@code dataset} opened from {@code directory}, those of {@code sources} only when it is not empty.
     *
     * @throws InvalidInputException when the dataset has no sequences in that split, a source is not in the dataset,
     *                               or a file is damaged
     */
    public static PackedSplitCorpus open(PreparedDataset dataset, Path directory, Split split, Set<String> sources)
            throws IOException {
        DatasetManifest manifest = dataset.manifest();
        List<DatasetManifest.Shard> listed = manifest.split(split).map(DatasetManifest.SplitEntry::shards)
                .orElse(List.of());
        String dir = directory.toString();
        if (manifest.split(split).map(DatasetManifest.SplitEntry::sequences).orElse(0L) == 0) {
            throw new InvalidInputException("--split " + split.fileName() + ": dataset " + dir + " has no "
                    + split.fileName() + " sequences (" + splitCounts(manifest) + ")");
        }
        List<String> known = new ArrayList<>();
        manifest.summary().sources().forEach(s -> known.add(s.source()));
        Collections.sort(known);
        for (String s : sources) {
            if (!known.contains(s)) {
                throw new InvalidInputException("--source " + SourceName.display(s) + ": dataset " + dir
                        + " has no such source; its sources are "
                        + String.join(", ", known.stream().map(SourceName::display).toList()));
            }
        }
        ShardedSequences sequences = dataset.openSplit(split);
        try {
            long[] shardStarts = new long[listed.size()];
            long stream = 0;
            for (int i = 0; i < shardStarts.length; i++) {
                shardStarts[i] = stream;
                stream += listed.get(i).sequences() * sequences.sequenceLength();
            }
            List<Document> documents = new ArrayList<>();
            List<Long> starts = new ArrayList<>();
            List<Long> allStarts = new ArrayList<>();
            List<Integer> allIndex = new ArrayList<>();
            readDocumentList(dataset, directory, split, sources, shardStarts, stream, documents, starts, allStarts,
                    allIndex);
            return new PackedSplitCorpus(sequences, documents, starts.stream().mapToLong(Long::longValue).toArray(),
                    allStarts.stream().mapToLong(Long::longValue).toArray(),
                    allIndex.stream().mapToInt(Integer::intValue).toArray());
        } catch (IOException | RuntimeException e) {
            sequences.close();
            throw e;
        }
    }

    private static void readDocumentList(PreparedDataset dataset, Path directory, Split split, Set<String> sources, long[] shardStarts,
                                         long stream, List<Document> documents, List<Long> starts,
                                         List<Long> allStarts, List<Integer> allIndex) throws IOException {
        DatasetLayout layout = new DatasetLayout(directory);
        CRC32C crc = new CRC32C();
        try (InputStream raw = Files.newInputStream(layout.documents());
             BufferedReader lines = new BufferedReader(new InputStreamReader(new CheckedInputStream(raw, crc),
                     StandardCharsets.UTF_8), 1 << 16)) {
            String wanted = "\"split\":\"" + split.fileName() + "\"";
            long lineNumber = 0;
            try {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    lineNumber++;
                    if (!line.contains(wanted)) {
                        continue;
                    }
                    JsonNode n;
                    try {
                        n = LINE.readTree(line);
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new InvalidInputException(layout.documents() + ":" + lineNumber + ": not valid JSON ("
                                + e.getOriginalMessage() + "); the file is damaged, prepare the dataset again", e);
                    }
                    String source = n.path("source").asText();
                    int shard = n.path("shard").asInt();
                    if (shard < 0 || shard >= shardStarts.length) {
                        throw new InvalidInputException(layout.documents() + ": document " + n.path("hash").asText()
                                + " names " + split.fileName() + " shard " + shard + " but the dataset has "
                                + shardStarts.length + "; the file is damaged, prepare the dataset again");
                    }
                    long start = shardStarts[shard] + n.path("offset").asLong();
                    if (!allStarts.isEmpty() && start <= allStarts.get(allStarts.size() - 1)) {
                        throw new InvalidInputException(layout.documents() + ": document " + n.path("hash").asText()
                                + " is not after the one before it in packed order; the file is damaged, prepare the"
                                + " dataset again");
                    }
                    allStarts.add(start);
                    if (!sources.isEmpty() && !sources.contains(source)) {
                        allIndex.add(-1);
                        continue;
                    }
                    allIndex.add(documents.size());
                    int kept = (int) Math.max(0, Math.min(n.path("tokens").asInt(), stream - start));
                    documents.add(new Document(n.path("hash").asText(), source, n.path("location").asText(), kept));
                    starts.add(start);
                }
            } catch (InvalidInputException damaged) {
                // A changed byte that keeps the size is what the checksum is for: report it as such (as data audit
                // does), and the line's own fault only when the file is as prepared.
                while (lines.readLine() != null) {
                    // the rest of the file, for its checksum
                }
                checkCrc(dataset, layout, crc);
                throw damaged;
            }
        }
        checkCrc(dataset, layout, crc);
    }

    private static void checkCrc(PreparedDataset dataset, DatasetLayout layout, CRC32C crc) {
        String recorded = dataset.manifest().file(DatasetLayout.DOCUMENTS).crc32c();
        String actual = String.format(Locale.ROOT, "%08x", crc.getValue());
        if (!actual.equals(recorded)) {
            throw new InvalidInputException(layout.documents() + ": CRC-32C is " + actual + " but "
                    + DatasetLayout.MANIFEST + " records " + recorded + "; the file is damaged, prepare the dataset again");
        }
    }

    private static String splitCounts(DatasetManifest manifest) {
        List<String> parts = new ArrayList<>();
        manifest.splits().forEach((s, e) -> parts.add(s.fileName() + " " + e.sequences()));
        return String.join(", ", parts);
    }

    @Override
    public List<Document> documents() {
        return documents;
    }

    @Override
    public int vocabSize() {
        return sequences.vocabSize();
    }

    @Override
    public int sequenceLength() {
        return buffer.length;
    }

    @Override
    public long rows() {
        return sequences.count();
    }

    @Override
    public void readRow(long row, int[] dest) {
        if (dest.length > buffer.length) {
            throw new IndexOutOfBoundsException(dest.length + " tokens of a row of " + buffer.length);
        }
        load(row);
        System.arraycopy(buffer, 0, dest, 0, dest.length);
    }

    @Override
    public int documentAt(long row, int offset) {
        if (offset < 0 || offset >= buffer.length) {
            throw new IndexOutOfBoundsException("offset " + offset + " of a row of " + buffer.length);
        }
        long position = row * buffer.length + offset;
        int k = java.util.Arrays.binarySearch(allStarts, position);
        if (k < 0) {
            k = -k - 2;
        }
        return k < 0 ? -1 : allIndex[k];
    }

    private void load(long sequence) {
        if (sequence != buffered) {
            sequences.read(sequence, buffer, 0);
            buffered = sequence;
        }
    }

    @Override
    public void read(int index, int start, int[] dest) {
        Document d = documents.get(index);
        if (start < 0 || start + (long) dest.length > d.tokens()) {
            throw new IndexOutOfBoundsException("tokens " + start + ".." + (start + dest.length) + " of a document of "
                    + d.tokens());
        }
        int seqLen = buffer.length;
        long pos = positions[index] + start;
        for (int i = 0; i < dest.length; ) {
            long sequence = (pos + i) / seqLen;
            int within = (int) ((pos + i) % seqLen);
            load(sequence);
            int n = Math.min(dest.length - i, seqLen - within);
            System.arraycopy(buffer, within, dest, i, n);
            i += n;
        }
    }

    @Override
    public void close() {
        sequences.close();
    }
}
