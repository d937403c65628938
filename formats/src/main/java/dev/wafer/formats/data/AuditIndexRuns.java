package dev.wafer.formats.data;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import dev.wafer.ports.data.prepare.AuditIndexOutput;
import dev.wafer.ports.data.prepare.SortedPairCursor;

/**
 * Builds the audit index file ({@link AuditIndexFile}) by external sort ({@link SortedPairRuns}), so memory does not
 * grow with the corpus: (shingle, document) pairs are sorted by shingle in bounded buffers spilled as runs. At
 * {@link #finish} a background thread sorts the last buffer and merges the runs, at most {@link #MAX_FAN_IN} at a
 * time, into the index while preparation packs; {@link #close()} waits for it. Audit ids only grow, so taking equal
 * shingles from the earlier run first keeps ids ascending: the file is byte for byte what sorting everything in
 * memory gives. When everything fit in the buffer, the index is written straight from it. Documents deduplication
 * removed are left out as the runs are merged, and the others renumbered densely. Runs that the ranks of a
 * multi-rank preparation sorted ({@link #addSorted}, ids already offset) join the merge, which then orders equal
 * shingles by id, since the ranks' ids interleave.
 */
final class AuditIndexRuns implements AuditIndexOutput {
    /** Runs merged at once; more are merged in rounds. */
    static final int MAX_FAN_IN = SortedPairRuns.MAX_FAN_IN;
    private static final int IO_BUFFER = 1 << 16;

    private final OutputChannels channels;
    private final Path file;
    private final Path scratch;
    private final Consumer<FileCheck> onClose;
    private final SortedPairRuns pairs;
    private int lastId = -1;
    /** Runs other processes sorted ({@link #addSorted}), merged with this one's by key and then id. */
    private final List<SortedPairCursor> others = new ArrayList<>();
    private long otherPairs;
    private volatile boolean fromOthers;
    private boolean finished;
    private boolean closed;
    private Thread completion;
    private volatile Throwable failure;
    /** Piece mode ({@link #piece}): where the ids go, and who learns the piece's pairs and checksums. */
    private Path idsPiece;
    private PieceDone pieceDone;

    /** What a piece of the index holds, once written. */
    @FunctionalInterface
    interface PieceDone {
        /**
         * @param pairs the pairs in the piece
         * @param keys  the keys file's size and CRC-32C
         * @param ids   the ids file's size and CRC-32C
         */
        void done(long pairs, FileCheck keys, FileCheck ids);
    }

    /**
     * @param file     the index file to write
     * @param scratch  a directory for the run files, created here and deleted by {@link #close()}
     * @param capacity pairs held in memory before a run is spilled, at least 1
     * @param onClose  receives the index file's size and CRC-32C
     */
    AuditIndexRuns(OutputChannels channels, Path file, Path scratch, int capacity, Consumer<FileCheck> onClose) {
        this.pairs = new SortedPairRuns(channels, scratch, capacity);
        this.channels = channels;
        this.file = file;
        this.scratch = scratch;
        this.onClose = onClose;
    }

    /**
     * One rank's piece of a multi-rank index: the pairs of the runs added with {@link #addSorted} (one key range of
     * every rank's runs), merged by key and then id, removed documents left out and the rest renumbered, the keys to
     * {@code keysFile} and the ids to {@code idsFile}, without the header; rank 0 joins the ranks' pieces
     * ({@link RankShareAssembly}).
     */
    static AuditIndexRuns piece(OutputChannels channels, Path keysFile, Path idsFile, Path scratch, PieceDone done) {
        AuditIndexRuns runs = new AuditIndexRuns(channels, keysFile, scratch, 1, check -> { });
        runs.idsPiece = idsFile;
        runs.pieceDone = done;
        return runs;
    }

    /** Pairs per run for a heap of {@code maxHeap} bytes: the buffer and its sort space take about 1/32 of it. */
    static int capacityFor(long maxHeap) {
        return SortedPairRuns.capacityFor(maxHeap);
    }

    @Override
    public void add(int documentId, long[] shingles) throws IOException {
        if (finished || closed) {
            throw new IllegalStateException(file + ": audit index already finished");
        }
        if (documentId <= lastId) {
            throw new IllegalArgumentException("audit ids must increase: " + documentId + " after " + lastId);
        }
        for (int i = 1; i < shingles.length; i++) {
            if (shingles[i] <= shingles[i - 1]) {
                throw new IllegalArgumentException("document " + documentId + ": shingles must be strictly ascending"
                        + " (position " + i + ")");
            }
        }
        lastId = documentId;
        pairs.addAll(shingles, documentId);
    }

    @Override
    public void addSorted(SortedPairCursor sorted) throws IOException {
        if (finished || closed) {
            sorted.close();
            throw new IllegalStateException(file + ": audit index already finished");
        }
        others.add(sorted);
        fromOthers = true;
        otherPairs += sorted.pairs();
    }

    @Override
    public void finish(int shingleWords, long documents) throws IOException {
        finish(shingleWords, documents, new int[0]);
    }

    @Override
    public void finish(int shingleWords, long documents, int[] removed) throws IOException {
        if (finished || closed) {
            throw new IllegalStateException(file + ": audit index already finished");
        }
        for (int i = 1; i < removed.length; i++) {
            if (removed[i] <= removed[i - 1]) {
                throw new IllegalArgumentException("removed audit ids must be strictly ascending (position " + i + ")");
            }
        }
        finished = true;
        int[] dropped = removed.clone();
        // The last buffer is sorted (and spilled, when runs were) on the completion thread too, so pass 2 starts
        // at once; the buffer and its sort space are freed there as soon as they are written.
        completion = Thread.ofPlatform().daemon().name("wafer-audit-index").unstarted(() -> {
            try {
                List<PairSource> sources = new ArrayList<>(pairs.sources());
                for (SortedPairCursor c : others) {
                    sources.add(new CursorPairSource(c));
                }
                others.clear();
                try {
                    if (idsPiece != null) {
                        writePiece(sources, dropped);
                    } else if (dropped.length == 0) {
                        writeIndex(sources, shingleWords, documents);
                    } else {
                        writeIndexWithout(sources, shingleWords, documents, dropped);
                    }
                } finally {
                    SortedPairRuns.closeAll(sources);
                }
            } catch (Throwable t) {
                failure = t;
            }
        });
        completion.start();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (completion != null) {
                try {
                    completion.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while completing " + file);
                }
            }
        } finally {
            pairs.close();
            for (SortedPairCursor c : others) {
                c.close();
            }
            DatasetFiles.deleteTree(scratch);
            if (!finished) {
                Files.deleteIfExists(file);
            }
        }
        Throwable t = failure;
        if (t instanceof IOException io) {
            throw io;
        }
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IOException(file + ": " + t, t);
        }
    }

    /**
     * Writes the index file: the header, the keys as they are merged, and the ids, which collect in a scratch file
     * meanwhile (the format stores all keys before all ids) and are then appended.
     */
    private void writeIndex(List<PairSource> sources, int shingleWords, long documents) throws IOException {
        Files.createDirectories(scratch);
        Path idsFile = scratch.resolve("ids.bin");
        long total = pairs.total() + otherPairs;
        long written;
        try (ChecksummedOutput out = new ChecksummedOutput(channels, file, IO_BUFFER, onClose)) {
            out.write(AuditIndexFile.header(shingleWords, total, documents));
            try (IdKeySplitter split = new IdKeySplitter(out,
                    ChecksummedOutput.scratch(channels, idsFile, IO_BUFFER))) {
                written = merge(sources, split);
            }
            if (written != total) {
                throw new IllegalStateException(file + ": merged " + written + " pairs, expected " + total);
            }
            append(idsFile, out);
        }
        Files.delete(idsFile);
    }

    /**
     * As {@link #writeIndex}, without the pairs of the {@code removed} ids and with the others renumbered; the
     * header's pair count is known only after the merge, so the keys collect in a scratch file too.
     */
    private void writeIndexWithout(List<PairSource> sources, int shingleWords, long documents, int[] removed)
            throws IOException {
        Files.createDirectories(scratch);
        Path keysFile = scratch.resolve("keys.bin");
        Path idsFile = scratch.resolve("ids.bin");
        long[] kept = {0};
        try (ChecksummedOutput keysOut = ChecksummedOutput.scratch(channels, keysFile, IO_BUFFER);
             IdKeySplitter split = new IdKeySplitter(keysOut, ChecksummedOutput.scratch(channels, idsFile, IO_BUFFER))) {
            merge(sources, (key, id) -> {
                int below = Arrays.binarySearch(removed, id);
                if (below < 0) {
                    split.pair(key, id - (-below - 1));
                    kept[0]++;
                }
            });
        }
        try (ChecksummedOutput out = new ChecksummedOutput(channels, file, IO_BUFFER, onClose)) {
            out.write(AuditIndexFile.header(shingleWords, kept[0], documents));
            append(keysFile, out);
            append(idsFile, out);
        }
        Files.delete(keysFile);
        Files.delete(idsFile);
    }

    /** Piece mode: keys and ids each to their file, as they are merged. */
    private void writePiece(List<PairSource> sources, int[] removed) throws IOException {
        long[] kept = {0};
        FileCheck[] checks = new FileCheck[2];
        // Not forced: the rank copies its pieces into the index file and forces that.
        try (ChecksummedOutput keysOut = ChecksummedOutput.scratch(channels, file, IO_BUFFER, c -> checks[0] = c);
             IdKeySplitter split = new IdKeySplitter(keysOut,
                     ChecksummedOutput.scratch(channels, idsPiece, IO_BUFFER, c -> checks[1] = c))) {
            SortedPairMerge.mergeByKeyThenId(sources, (key, id) -> {
                int below = removed.length == 0 ? -1 : Arrays.binarySearch(removed, id);
                if (below < 0) {
                    split.pair(key, id - (-below - 1));
                    kept[0]++;
                }
            });
        }
        pieceDone.done(kept[0], checks[0], checks[1]);
    }

    /** This process's runs alone merge earlier run first; with other processes' runs, by key and then id. */
    private long merge(List<PairSource> sources, PairSink sink) throws IOException {
        return fromOthers ? SortedPairMerge.mergeByKeyThenId(sources, sink) : SortedPairMerge.merge(sources, sink);
    }

    private static void append(Path from, ChecksummedOutput out) throws IOException {
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(IO_BUFFER);
            while (in.read(buf.clear()) > 0) {
                out.write(buf.array(), 0, buf.position());
            }
        }
    }

    /** Sends keys to the index file and ids to their scratch file. */
    private static final class IdKeySplitter implements PairSink, AutoCloseable {
        private final ChecksummedOutput keysOut;
        private final ChecksummedOutput idsOut;
        private final ByteBuffer keyBuf = ByteBuffer.allocate(IO_BUFFER).order(ByteOrder.LITTLE_ENDIAN);
        private final ByteBuffer idBuf = ByteBuffer.allocate(IO_BUFFER / 2).order(ByteOrder.LITTLE_ENDIAN);

        IdKeySplitter(ChecksummedOutput keysOut, ChecksummedOutput idsOut) {
            this.keysOut = keysOut;
            this.idsOut = idsOut;
        }

        @Override
        public void pair(long key, int id) throws IOException {
            if (!keyBuf.hasRemaining()) {
                keysOut.write(keyBuf.array(), 0, keyBuf.position());
                keyBuf.clear();
                idsOut.write(idBuf.array(), 0, idBuf.position());
                idBuf.clear();
            }
            keyBuf.putLong(key);
            idBuf.putInt(id);
        }

        /** Flushes both; closes the ids file only (the index file stays open for the ids). */
        @Override
        public void close() throws IOException {
            keysOut.write(keyBuf.array(), 0, keyBuf.position());
            keyBuf.clear();
            try (idsOut) {
                idsOut.write(idBuf.array(), 0, idBuf.position());
                idBuf.clear();
            }
        }
    }
}
