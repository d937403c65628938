package dev.wafer.formats.data;

import java.io.IOException;
import java.util.List;

/**
 * K-way merge of sorted pair sources through a binary heap; on equal keys the earlier source comes first, or, for
 * sources whose ids interleave (the audit runs of several ranks), the smaller id.
 */
final class SortedPairMerge {
    private final boolean byId;

    private SortedPairMerge(boolean byId) {
        this.byId = byId;
    }

    /** Merges sorted sources by key, earlier source first on equal keys; returns the pairs written. */
    static long merge(List<PairSource> sources, PairSink out) throws IOException {
        return new SortedPairMerge(false).run(sources, out);
    }

    /**
     * Merges sources sorted by key and then id by key and then id; returns the pairs written. Where the ids of
     * the sources grow from one to the next, this is {@link #merge}'s order too.
     */
    static long mergeByKeyThenId(List<PairSource> sources, PairSink out) throws IOException {
        return new SortedPairMerge(true).run(sources, out);
    }

    private long run(List<PairSource> sources, PairSink out) throws IOException {
        int n = sources.size();
        PairSource[] heap = new PairSource[n];
        int[] order = new int[n];
        int live = 0;
        for (int i = 0; i < n; i++) {
            if (sources.get(i).next()) {
                heap[live] = sources.get(i);
                order[live] = i;
                siftUp(heap, order, live++);
            }
        }
        long count = 0;
        while (live > 0) {
            PairSource top = heap[0];
            out.pair(top.key(), top.id());
            count++;
            if (!top.next()) {
                live--;
                heap[0] = heap[live];
                order[0] = order[live];
                heap[live] = null;
            }
            siftDown(heap, order, live);
        }
        return count;
    }

    private boolean before(PairSource a, int ia, PairSource b, int ib) {
        if (a.key() != b.key()) {
            return a.key() < b.key();
        }
        return byId && a.id() != b.id() ? a.id() < b.id() : ia < ib;
    }

    private void siftUp(PairSource[] heap, int[] order, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(heap[i], order[i], heap[parent], order[parent])) {
                return;
            }
            swap(heap, order, i, parent);
            i = parent;
        }
    }

    private void siftDown(PairSource[] heap, int[] order, int live) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= live) {
                return;
            }
            int c = l + 1 < live && before(heap[l + 1], order[l + 1], heap[l], order[l]) ? l + 1 : l;
            if (!before(heap[c], order[c], heap[i], order[i])) {
                return;
            }
            swap(heap, order, i, c);
            i = c;
        }
    }

    private static void swap(PairSource[] heap, int[] order, int a, int b) {
        PairSource t = heap[a];
        heap[a] = heap[b];
        heap[b] = t;
        int o = order[a];
        order[a] = order[b];
        order[b] = o;
    }
}
