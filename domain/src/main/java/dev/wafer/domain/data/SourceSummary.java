package dev.wafer.domain.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-source table of a prepared dataset, like the Pile paper's Table 1: documents and tokens kept, their
 * share of all kept tokens, and documents excluded.
 *
 * @param rows         one row per source, largest token count first
 * @param documents    documents kept, all sources
 * @param tokens       tokens kept, all sources (end-of-text tokens not counted)
 * @param excluded     documents excluded by rules, all sources
 * @param duplicates   documents removed as duplicates, all sources
 */
public record SourceSummary(List<Row> rows, long documents, long tokens, long excluded, long duplicates) {
    /** Copies the rows into an unmodifiable list. */
    public SourceSummary {
        rows = List.copyOf(rows);
    }

    /**
     * One source.
     *
     * @param source    source name
     * @param documents documents kept
     * @param tokens    tokens kept
     * @param share     tokens / all kept tokens (0 when nothing was kept)
     * @param excluded  documents excluded by rules
     * @param duplicates documents removed as duplicates of kept ones
     */
    public record Row(String source, long documents, long tokens, double share, long excluded, long duplicates) {
    }

    /** Accumulates counts; not thread-safe. */
    public static final class Builder {
        private final Map<String, long[]> counts = new TreeMap<>();

        /** An empty builder: no source counted yet. */
        public Builder() {
        }

        /** Counts a kept document. */
        public void kept(String source, long tokens) {
            long[] c = counts.computeIfAbsent(source, s -> new long[4]);
            c[0]++;
            c[1] += tokens;
        }

        /** Counts {@code documents} kept documents of {@code tokens} tokens in all (a rank's share of them). */
        public void kept(String source, long documents, long tokens) {
            long[] c = counts.computeIfAbsent(source, s -> new long[4]);
            c[0] += documents;
            c[1] += tokens;
        }

        /** Counts an excluded document. */
        public void excluded(String source) {
            counts.computeIfAbsent(source, s -> new long[4])[2]++;
        }

        /** Counts documents removed as duplicates. */
        public void duplicates(String source, long documents) {
            counts.computeIfAbsent(source, s -> new long[4])[3] += documents;
        }

        /** The table. */
        public SourceSummary build() {
            long docs = 0;
            long tokens = 0;
            long excluded = 0;
            long duplicates = 0;
            for (long[] c : counts.values()) {
                duplicates += c[3];
                docs += c[0];
                tokens += c[1];
                excluded += c[2];
            }
            List<Row> rows = new ArrayList<>();
            for (Map.Entry<String, long[]> e : counts.entrySet()) {
                long[] c = e.getValue();
                rows.add(new Row(e.getKey(), c[0], c[1], tokens == 0 ? 0 : (double) c[1] / tokens, c[2], c[3]));
            }
            rows.sort(Comparator.comparingLong(Row::tokens).reversed().thenComparing(Row::source));
            return new SourceSummary(rows, docs, tokens, excluded, duplicates);
        }
    }
}
