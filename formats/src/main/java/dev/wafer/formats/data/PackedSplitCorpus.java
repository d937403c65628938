package dev.wafer.formats.data;

import dev.wafer.domain.data.SourceName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.wafer.formats.input.InvalidInputException;
import dev.wafer.domain.data.Split;
import dev.wafer.ports.data.PackedCorpus;

/**
 * The documents and packed rows of one split of a prepared dataset, read back from the shards where preparation put them:
 * {@code documents.jsonl} gives each document's hash, source, location, token count, shard and offset; the shards of
 * a split form one token stream (all sequences in order), so a document's tokens are the {@code tokens} ids from its
 * position in that stream. A document cut by the dropped tail of the split offers only the tokens that were kept.
 *
 * <p>Memory: only each document's stream position is held (8 bytes a document, and 4 more per kept document under a
 * source filter), which is all {@link #documentAt} needs; the details of the documents an audit sampled are read
 * afterwards in one pass that keeps only those ({@link #documents(int[])}). {@link #documents()} builds the whole
 * list on first use, for small splits and tests. Not thread-safe (it keeps the last sequence read).
 */
public final class PackedSplitCorpus implements PackedCorpus, AutoCloseable {
    private final ShardedSequences sequences;
    private final SplitDocumentFile file;
    private final Set<String> sources;
    /** Total tokens of the split's stream: a document starting later offers none, one cut by it fewer. */
    private final long stream;
    /** Stream position of the first token of every document of the split, in packed order. */
    private long[] allStarts;
    /** Index into {@link #allStarts} of each kept document, ascending; null when every document is kept. */
    private int[] kept;
    private final int[] buffer;
    private List<Document> documents;
    private long buffered = -1;

    private PackedSplitCorpus(ShardedSequences sequences, SplitDocumentFile file, Set<String> sources, long stream) {
        this.sequences = sequences;
        this.file = file;
        this.sources = sources;
        this.stream = stream;
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
        PackedSplitCorpus corpus = openRows(dataset, directory, split, sources);
        try {
            corpus.readStarts();
            return corpus;
        } catch (IOException | RuntimeException e) {
            corpus.close();
            throw e;
        }
    }

    /**
     * Opens the split as {@link #open} does but reads {@code documents.jsonl} only when documents are first asked
     * for: for a pass over the rows alone (counting copies in the train split), which then holds no document.
     */
    public static PackedSplitCorpus openRows(PreparedDataset dataset, Path directory, Split split,
                                             Set<String> sources) throws IOException {
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
            SplitDocumentFile file = new SplitDocumentFile(dataset, new DatasetLayout(directory), split, shardStarts,
                    manifest.split(split).map(DatasetManifest.SplitEntry::documents).orElse(0L));
            return new PackedSplitCorpus(sequences, file, Set.copyOf(sources), stream);
        } catch (RuntimeException e) {
            sequences.close();
            throw e;
        }
    }

    /** Reads every document's stream position (and which are kept), the only per-document state held. */
    private void readStarts() throws IOException {
        GrowableArrays.Longs starts = new GrowableArrays.Longs(file.expectedDocuments());
        GrowableArrays.Ints keptIndex = sources.isEmpty() ? null : new GrowableArrays.Ints();
        file.scan((ordinal, start, line) -> {
            starts.add(start);
            if (keptIndex != null && sources.contains(line.path("source").asText())) {
                keptIndex.add(Math.toIntExact(ordinal));
            }
        });
        kept = keptIndex == null ? null : keptIndex.toArray();
        allStarts = starts.toArray();
    }

    /** The stream positions, read now when this corpus was opened for its rows only. */
    private long[] starts() {
        if (allStarts == null) {
            try {
                readStarts();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return allStarts;
    }

    private static String splitCounts(DatasetManifest manifest) {
        List<String> parts = new ArrayList<>();
        manifest.splits().forEach((s, e) -> parts.add(s.fileName() + " " + e.sequences()));
        return String.join(", ", parts);
    }

    /** Every kept document, read from {@code documents.jsonl} on first use and then held (O(documents) memory). */
    @Override
    public List<Document> documents() {
        if (documents == null) {
            int[] all = new int[documentCount()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            documents = documents(all);
        }
        return documents;
    }

    @Override
    public int documentCount() {
        long[] all = starts(); // reads kept too
        return kept == null ? all.length : kept.length;
    }

    /** Reads only the wanted documents' lines, in one pass over {@code documents.jsonl}. */
    @Override
    public List<Document> documents(int[] indices) {
        if (documents != null) {
            return PackedCorpus.super.documents(indices);
        }
        starts();
        long[] ordinals = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= documentCount()) {
                throw new IndexOutOfBoundsException("document " + indices[i] + " of " + documentCount());
            }
            if (i > 0 && indices[i] <= indices[i - 1]) {
                throw new IllegalArgumentException("document indices must be ascending and distinct, found "
                        + indices[i] + " after " + indices[i - 1]);
            }
            ordinals[i] = kept == null ? indices[i] : kept[indices[i]];
        }
        Document[] out = new Document[indices.length];
        try {
            file.scan(new SplitDocumentFile.Visitor() {
                @Override
                public boolean wants(long ordinal) {
                    return Arrays.binarySearch(ordinals, ordinal) >= 0;
                }

                @Override
                public void document(long ordinal, long start, JsonNode n) {
                    if (n == null) {
                        return;
                    }
                    int at = Arrays.binarySearch(ordinals, ordinal);
                    int tokens = (int) Math.max(0, Math.min(n.path("tokens").asInt(), stream - start));
                    out[at] = new Document(n.path("hash").asText(), n.path("source").asText(),
                            n.path("location").asText(), tokens);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null || !sources.isEmpty() && !sources.contains(out[i].source())) {
                throw new InvalidInputException(DatasetLayout.DOCUMENTS + " changed while it was read: document "
                        + indices[i] + " of the split is not where it was; run the command again");
            }
        }
        return List.of(out);
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
        int k = Arrays.binarySearch(starts(), position);
        if (k < 0) {
            k = -k - 2;
        }
        if (k < 0 || kept == null) {
            return k;
        }
        int index = Arrays.binarySearch(kept, k);
        return index < 0 ? -1 : index;
    }

    private void load(long sequence) {
        if (sequence != buffered) {
            sequences.read(sequence, buffer, 0);
            buffered = sequence;
        }
    }

    @Override
    public void read(int index, int start, int[] dest) {
        Document d = documents().get(index);
        if (start < 0 || start + (long) dest.length > d.tokens()) {
            throw new IndexOutOfBoundsException("tokens " + start + ".." + (start + dest.length) + " of a document of "
                    + d.tokens());
        }
        int seqLen = buffer.length;
        long pos = starts()[kept == null ? index : kept[index]] + start;
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
