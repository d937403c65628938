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

/**
 * Builds the audit index file ({@link AuditIndexFile}) by external sort, so memory does not grow with the corpus:
 * (shingle, document) pairs collect in a buffer of at most {@code capacity} pairs; a full buffer is sorted by
 * shingle (a stable radix sort, so ids stay ascending within a shingle) and written to a scratch run file. At
 * {@link #finish} a background thread sorts the last buffer and merges the runs, at most {@link #MAX_FAN_IN} at a
 * time, into the index while preparation packs; {@link #close()} waits for it. Audit ids only grow, so taking equal shingles from the
 * earlier run first keeps ids ascending: the file is byte for byte what sorting everything in memory gives. When
 * everything fit in the buffer, the index is written straight from it.
 */
final class AuditIndexRuns implements AuditIndexOutput {
    /** Runs merged at once; more are merged in rounds. */
    static final int MAX_FAN_IN = 64;
    private static final int IO_BUFFER = 1 << 16;
    /** Radix digits of the sort: 6 x 11 bits cover a 64-bit key. */
    private static final int DIGIT_BITS = 11;
    private static final int DIGITS = 6;

    private final OutputChannels channels;
    private final Path file;
    private final Path scratch;
    private final int capacity;
    private final Consumer<FileCheck> onClose;
    private final List<Run> runs = new ArrayList<>();
    private long[] keys = new long[1 << 12];
    private int[] ids = new int[1 << 12];
    private long[] sortKeys = new long[0];
    private int[] sortIds = new int[0];
    private int size;
    private long total;
    private int lastId = -1;
    private int runsCreated;
    private boolean finished;
    private boolean closed;
    private Thread completion;
    private volatile Throwable failure;

    /** A sorted run file and its pair count. */
    private record Run(Path file, long pairs) {
    }

    /**
     * @param file     the index file to write
     * @param scratch  a directory for the run files, created here and deleted by {@link #close()}
     * @param capacity pairs held in memory before a run is spilled, at least 1
     * @param onClose  receives the index file's size and CRC-32C
     */
    AuditIndexRuns(OutputChannels channels, Path file, Path scratch, int capacity, Consumer<FileCheck> onClose) {
        if (capacity < 1) {
            throw new IllegalArgumentException("run capacity must be at least 1 pair, got " + capacity);
        }
        this.channels = channels;
        this.file = file;
        this.scratch = scratch;
        this.capacity = capacity;
        this.onClose = onClose;
    }

    /** Pairs per run for a heap of {@code maxHeap} bytes: the buffer and its sort space take about 1/32 of it. */
    static int capacityFor(long maxHeap) {
        long pairs = maxHeap / 32 / (2 * RunFilePairWriter.PAIR_BYTES);
        return (int) Math.max(1 << 12, Math.min(1 << 22, pairs));
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
        int i = 0;
        while (i < shingles.length) {
            if (size == keys.length) {
                if (keys.length < capacity) {
                    int grown = (int) Math.min(capacity, 2L * keys.length);
                    keys = Arrays.copyOf(keys, grown);
                    ids = Arrays.copyOf(ids, grown);
                } else {
                    spillRun();
                }
            }
            int n = Math.min(shingles.length - i, keys.length - size);
            System.arraycopy(shingles, i, keys, size, n);
            Arrays.fill(ids, size, size + n, documentId);
            size += n;
            i += n;
        }
        total += shingles.length;
    }

    @Override
    public void finish(int shingleWords, long documents) throws IOException {
        if (finished || closed) {
            throw new IllegalStateException(file + ": audit index already finished");
        }
        finished = true;
        // The last buffer is sorted (and spilled, when runs were) on the completion thread too, so pass 2 starts
        // at once; the buffer and its sort space are freed there as soon as they are written.
        completion = Thread.ofPlatform().daemon().name("wafer-audit-index").unstarted(() -> {
            try {
                if (runs.isEmpty()) {
                    sortBuffer();
                    PairSource inMemory = new ArrayPairSource(keys, ids, size);
                    releaseBuffer();
                    writeIndex(List.of(inMemory), shingleWords, documents);
                } else {
                    if (size > 0) {
                        spillRun();
                    }
                    releaseBuffer();
                    mergeRuns(shingleWords, documents);
                }
            } catch (Throwable t) {
                failure = t;
            }
        });
        completion.start();
    }

    private void releaseBuffer() {
        keys = null;
        ids = null;
        sortKeys = null;
        sortIds = null;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (completion == null) {
            releaseBuffer();
        }
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

    private void spillRun() throws IOException {
        sortBuffer();
        if (runs.isEmpty()) {
            Files.createDirectories(scratch);
        }
        Path run = scratch.resolve("run-" + runsCreated++ + ".bin");
        try (RunFilePairWriter out = new RunFilePairWriter(ChecksummedOutput.scratch(channels, run, IO_BUFFER))) {
            for (int i = 0; i < size; i++) {
                out.pair(keys[i], ids[i]);
            }
        }
        runs.add(new Run(run, size));
        size = 0;
    }

    /**
     * Sorts the buffer by key, signed order, with a stable LSD radix sort, so ids stay in insertion order within a
     * key: six passes of {@link #DIGIT_BITS} bits (the top digit's sign bit flipped), whose counts all come from one
     * sweep; a digit that every key shares is skipped.
     */
    private void sortBuffer() {
        if (sortKeys.length < size) {
            sortKeys = new long[keys.length];
            sortIds = new int[keys.length];
        }
        long[] k = keys;
        int[] v = ids;
        long[] k2 = sortKeys;
        int[] v2 = sortIds;
        int radix = 1 << DIGIT_BITS;
        int[][] counts = new int[DIGITS][radix + 1];
        int[] c0 = counts[0];
        int[] c1 = counts[1];
        int[] c2 = counts[2];
        int[] c3 = counts[3];
        int[] c4 = counts[4];
        int[] c5 = counts[5];
        int mask = radix - 1;
        for (int i = 0; i < size; i++) {
            long key = k[i] ^ Long.MIN_VALUE;
            c0[(int) key & mask]++;
            c1[(int) (key >>> DIGIT_BITS) & mask]++;
            c2[(int) (key >>> 2 * DIGIT_BITS) & mask]++;
            c3[(int) (key >>> 3 * DIGIT_BITS) & mask]++;
            c4[(int) (key >>> 4 * DIGIT_BITS) & mask]++;
            c5[(int) (key >>> 5 * DIGIT_BITS) & mask]++;
        }
        for (int d = 0; d < DIGITS; d++) {
            int shift = d * DIGIT_BITS;
            int[] c = counts[d];
            if (size == 0 || c[(int) ((k[0] ^ Long.MIN_VALUE) >>> shift) & (radix - 1)] == size) {
                continue; // every key has the same digit here: the order stands
            }
            for (int x = 0, sum = 0; x < radix; x++) {
                int n = c[x];
                c[x] = sum;
                sum += n;
            }
            for (int i = 0; i < size; i++) {
                int pos = c[(int) ((k[i] ^ Long.MIN_VALUE) >>> shift) & (radix - 1)]++;
                k2[pos] = k[i];
                v2[pos] = v[i];
            }
            long[] tk = k;
            k = k2;
            k2 = tk;
            int[] tv = v;
            v = v2;
            v2 = tv;
        }
        keys = k;
        ids = v;
        sortKeys = k2;
        sortIds = v2;
    }

    /** Merges the runs in rounds of at most {@link #MAX_FAN_IN}, then into the index file. */
    private void mergeRuns(int shingleWords, long documents) throws IOException {
        List<Run> level = new ArrayList<>(runs);
        while (level.size() > MAX_FAN_IN) {
            List<Run> next = new ArrayList<>();
            for (int i = 0; i < level.size(); i += MAX_FAN_IN) {
                List<Run> group = level.subList(i, Math.min(level.size(), i + MAX_FAN_IN));
                if (group.size() == 1) {
                    next.add(group.getFirst());
                    continue;
                }
                Path merged = scratch.resolve("run-" + runsCreated++ + ".bin");
                long pairs = 0;
                List<PairSource> sources = open(group);
                try (RunFilePairWriter out =
                        new RunFilePairWriter(ChecksummedOutput.scratch(channels, merged, IO_BUFFER))) {
                    pairs = SortedPairMerge.merge(sources, out);
                } finally {
                    closeAll(sources);
                }
                for (Run r : group) {
                    Files.delete(r.file());
                }
                next.add(new Run(merged, pairs));
            }
            level = next;
        }
        List<PairSource> sources = open(level);
        try {
            writeIndex(sources, shingleWords, documents);
        } finally {
            closeAll(sources);
        }
    }

    private static List<PairSource> open(List<Run> group) throws IOException {
        List<PairSource> sources = new ArrayList<>();
        try {
            for (Run r : group) {
                sources.add(new RunFilePairSource(r.file()));
            }
        } catch (IOException | RuntimeException e) {
            closeAll(sources);
            throw e;
        }
        return sources;
    }

    private static void closeAll(List<PairSource> sources) throws IOException {
        IOException first = null;
        for (PairSource s : sources) {
            try {
                s.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Writes the index file: the header, the keys as they are merged, and the ids, which collect in a scratch file
     * meanwhile (the format stores all keys before all ids) and are then appended.
     */
    private void writeIndex(List<PairSource> sources, int shingleWords, long documents) throws IOException {
        Files.createDirectories(scratch);
        Path idsFile = scratch.resolve("ids.bin");
        long written;
        try (ChecksummedOutput out = new ChecksummedOutput(channels, file, IO_BUFFER, onClose)) {
            out.write(AuditIndexFile.header(shingleWords, total, documents));
            try (IdKeySplitter split = new IdKeySplitter(out,
                    ChecksummedOutput.scratch(channels, idsFile, IO_BUFFER))) {
                written = SortedPairMerge.merge(sources, split);
            }
            if (written != total) {
                throw new IllegalStateException(file + ": merged " + written + " pairs, expected " + total);
            }
            try (FileChannel in = FileChannel.open(idsFile, StandardOpenOption.READ)) {
                ByteBuffer buf = ByteBuffer.allocate(IO_BUFFER);
                while (in.read(buf.clear()) > 0) {
                    out.write(buf.array(), 0, buf.position());
                }
            }
        }
        Files.delete(idsFile);
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
            try (idsOut) {
                idsOut.write(idBuf.array(), 0, idBuf.position());
            }
        }
    }
}
