package dev.wafer.formats.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.wafer.ports.data.prepare.SortedPairSpill;

/**
 * External sort of (64-bit key, 32-bit id) pairs: pairs collect in a buffer of at most {@code capacity} pairs; a
 * full buffer is sorted by key (a stable radix sort, so ids keep their insertion order within a key) and written
 * to a scratch run file; at the end the runs are merged, at most {@link #MAX_FAN_IN} at a time (in rounds if there
 * are more), taking equal keys from the earlier run first, so the merged order is what a stable in-memory sort
 * gives. When everything fit in the buffer, it is read straight from memory. The audit index ({@link
 * AuditIndexRuns}) and deduplication's key groups and candidate pairs use it.
 */
final class SortedPairRuns implements SortedPairSpill {
    /** Runs merged at once; more are merged in rounds. */
    static final int MAX_FAN_IN = 64;
    private static final int IO_BUFFER = 1 << 16;
    /** Radix digits of the sort: 6 x 11 bits cover a 64-bit key. */
    private static final int DIGIT_BITS = 11;
    private static final int DIGITS = 6;

    private final OutputChannels channels;
    private final Path scratch;
    private final int capacity;
    private final List<Run> runs = new ArrayList<>();
    private long[] keys = new long[1 << 12];
    private int[] ids = new int[1 << 12];
    private long[] sortKeys = new long[0];
    private int[] sortIds = new int[0];
    private int size;
    private long total;
    private int runsCreated;
    private boolean ended;

    /** A sorted run file and its pair count. */
    private record Run(Path file, long pairs) {
    }

    /**
     * @param scratch  a directory for the run files, created when the first run is spilled and deleted by
     *                 {@link #close()}
     * @param capacity pairs held in memory before a run is spilled, at least 1
     */
    SortedPairRuns(OutputChannels channels, Path scratch, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("run capacity must be at least 1 pair, got " + capacity);
        }
        this.channels = channels;
        this.scratch = scratch;
        this.capacity = capacity;
    }

    /** Pairs per run for a heap of {@code maxHeap} bytes: the buffer and its sort space take about 1/32 of it. */
    static int capacityFor(long maxHeap) {
        long pairs = maxHeap / 32 / (2 * RunFilePairWriter.PAIR_BYTES);
        return (int) Math.max(1 << 12, Math.min(1 << 22, pairs));
    }

    /** Pairs added. */
    long total() {
        return total;
    }

    @Override
    public void add(long key, int id) throws IOException {
        requireOpen();
        if (size == keys.length) {
            makeRoom();
        }
        keys[size] = key;
        ids[size++] = id;
        total++;
    }

    /** Adds ({@code k}, {@code id}) for every {@code k} of {@code keysOf}. */
    void addAll(long[] keysOf, int id) throws IOException {
        requireOpen();
        int i = 0;
        while (i < keysOf.length) {
            if (size == keys.length) {
                makeRoom();
            }
            int n = Math.min(keysOf.length - i, keys.length - size);
            System.arraycopy(keysOf, i, keys, size, n);
            Arrays.fill(ids, size, size + n, id);
            size += n;
            i += n;
        }
        total += keysOf.length;
    }

    private void requireOpen() {
        if (ended) {
            throw new IllegalStateException(scratch + ": pairs already sorted");
        }
    }

    private void makeRoom() throws IOException {
        if (keys.length < capacity) {
            int grown = (int) Math.min(capacity, 2L * keys.length);
            keys = Arrays.copyOf(keys, grown);
            ids = Arrays.copyOf(ids, grown);
        } else {
            spillRun();
        }
    }

    @Override
    public void drain(SortedPairSpill.PairSink sink) throws IOException {
        List<PairSource> sources = sources();
        try {
            SortedPairMerge.merge(sources, sink::pair);
        } finally {
            closeAll(sources);
        }
        sink.end();
    }

    /**
     * Ends the additions and returns sorted sources whose merge ({@link SortedPairMerge}, earlier source first on
     * equal keys) gives every pair in order: the buffer itself when no run was spilled, else at most
     * {@link #MAX_FAN_IN} run files. The buffer is released here; the caller closes the sources.
     */
    List<PairSource> sources() throws IOException {
        requireOpen();
        ended = true;
        if (runs.isEmpty()) {
            sortBuffer();
            PairSource inMemory = new ArrayPairSource(keys, ids, size);
            releaseBuffer();
            return List.of(inMemory);
        }
        if (size > 0) {
            spillRun();
        }
        releaseBuffer();
        return open(mergeRounds());
    }

    /**
     * Ends the additions leaving every pair in run files in the scratch directory (at most {@link #MAX_FAN_IN}),
     * which outlive this object: another process reads them ({@link #runFiles}). Adds nothing when no pair came.
     */
    void persist() throws IOException {
        requireOpen();
        ended = true;
        if (size > 0) {
            spillRun();
        }
        releaseBuffer();
        mergeRounds();
    }

    /** The run files {@link #persist} left in {@code scratch}, in no particular order; none when it holds none. */
    static List<Path> runFiles(Path scratch) throws IOException {
        if (!Files.isDirectory(scratch)) {
            return List.of();
        }
        try (var files = Files.list(scratch)) {
            return files.filter(f -> f.getFileName().toString().matches("run-[0-9]+\\.bin")).sorted().toList();
        }
    }

    private void releaseBuffer() {
        keys = null;
        ids = null;
        sortKeys = null;
        sortIds = null;
    }

    /** Discards the runs and the buffer. */
    @Override
    public void close() throws IOException {
        ended = true;
        releaseBuffer();
        DatasetFiles.deleteTree(scratch);
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

    /** Merges the runs in rounds of at most {@link #MAX_FAN_IN} until that many are left. */
    private List<Run> mergeRounds() throws IOException {
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
        return level;
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

    static void closeAll(List<PairSource> sources) throws IOException {
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
}
