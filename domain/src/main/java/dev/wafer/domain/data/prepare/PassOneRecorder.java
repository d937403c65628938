package dev.wafer.domain.data.prepare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import dev.wafer.domain.data.Provenance;
import dev.wafer.domain.data.ShuffleBuckets;
import dev.wafer.domain.data.Split;
import dev.wafer.ports.data.DocumentSource;
import dev.wafer.ports.data.MalformedInputException;
import dev.wafer.ports.data.MalformedRecord;
import dev.wafer.ports.data.prepare.AuditRuns;
import dev.wafer.ports.data.prepare.PassOneRecord;
import dev.wafer.ports.data.prepare.ProgressReporter;
import dev.wafer.ports.data.prepare.RankExchange;
import dev.wafer.ports.data.prepare.ShuffleSpill;
import dev.wafer.ports.data.prepare.SpilledDocument;

/**
 * Pass 1 of one rank in a multi-rank preparation: reads this rank's inputs with the same batched, ordered
 * processing as a single process ({@link InputOrderProcessing}), spills its kept documents to its own shuffle
 * buckets and its training documents' shingles to its own audit runs, with rank-local ordinals and audit ids (rank 0
 * offsets them: {@link RankBuckets}, {@link OffsetAuditRun}), and writes the rest to the rank's stream: excluded
 * documents and malformed records, per input the counts rank 0 numbers by, and kept documents (without tokens and
 * shingles) only for deduplication, which decides over every rank's documents. Where a single process would stop (an input that cannot be read; with {@code --on-error fail},
 * the first malformed record) the rank writes why and stops reading, because rank 0 stops there when it replays.
 */
final class PassOneRecorder {
    private final PreparationSettings settings;
    private final ProgressReporter progress;
    private final LongSupplier bytesRead;

    PassOneRecorder(PreparationSettings settings, ProgressReporter progress, LongSupplier bytesRead) {
        this.settings = settings;
        this.progress = progress;
        this.bytesRead = bytesRead;
    }

    /**
     * @param mine  the indexes of this rank's inputs, ascending
     * @param spill this rank's shuffle buckets; finished (not closed) on return
     * @param audit this rank's audit runs; finished on return
     * @param counts receives, per bucket and split ({@link PackingLayout#index}), the documents and tokens this rank
     *               spilled, from which every rank learns where each bucket lands in the packed streams
     * @throws IOException when the stream cannot be written
     */
    void record(List<DocumentSource> inputs, List<Integer> mine, RankExchange.Writer out, ShuffleBuckets shuffle,
                ShuffleSpill spill, AuditRuns audit, long[] counts) throws IOException {
        long total = mine.stream().mapToLong(i -> Math.max(0, inputs.get(i).sizeBytes())).sum();
        // Rank-local numbers, in this rank's order of documents; rank 0 offsets them (RankOffsets).
        long[] documents = {0};
        int[] train = {0};
        // This input's counts, for its End record: documents, kept, train, kept text bytes.
        long[] input = new long[4];
        boolean oneByOne = settings.dedup().enabled();
        Consumer<ProcessedDocument> results = d -> {
            long ordinal = documents[0]++;
            input[0]++;
            if (d.exclusion() != null) {
                write(out, PassOneRecords.of(d));
                return;
            }
            input[1]++;
            input[3] += d.textBytes();
            int auditId = -1;
            Provenance p = d.provenance();
            try {
                if (d.split() == Split.TRAIN) {
                    auditId = train[0]++;
                    input[2]++;
                    audit.add(auditId, d.shingles());
                }
                int bucket = shuffle.bucketOf(p.hash());
                int at = PackingLayout.index(bucket, d.split());
                counts[at]++;
                counts[at + 1] += d.tokens().length;
                spill.append(bucket, new SpilledDocument(ordinal, p.hash().hex(), p.source(),
                        p.licence(), p.location(), d.split().fileName(), auditId, d.tokens()));
            } catch (IOException e) {
                throw new UncheckedIOException(new IOException("cannot write shuffle bucket or audit run: "
                        + e.getMessage(), e));
            }
            // Tokens and shingles wait in this rank's buckets and runs; rank 0 sees a kept document only where
            // deduplication must decide over every rank's documents.
            if (oneByOne) {
                write(out, PassOneRecords.withoutTokens(d));
            }
        };
        Consumer<MalformedRecord> malformed = r -> {
            write(out, new PassOneRecord.Malformed(r));
            if (settings.failOnMalformed()) {
                throw new MalformedInputException(r);
            }
        };
        try (ProgressReporter.Task task = progress.start("reading", total > 0 ? total : -1, "B");
             InputOrderProcessing processing = new InputOrderProcessing(new DocumentProcessor(settings),
                     settings.threads(), results, malformed, () -> task.stepTo(bytesRead.getAsLong()))) {
            for (int i : mine) {
                out.write(new PassOneRecord.Begin(i));
                java.util.Arrays.fill(input, 0);
                try {
                    inputs.get(i).read(processing);
                    processing.finish();
                } catch (MalformedInputException e) {
                    // Already written; rank 0 stops at it, so nothing after it matters.
                    processing.finish();
                    return;
                } catch (IOException e) {
                    processing.finish();
                    out.write(new PassOneRecord.Failed(e.getMessage() != null ? e.getMessage() : e.toString()));
                    return;
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                out.write(new PassOneRecord.End(input[0], input[1], input[2], input[3], inputs.get(i).sha256()));
            }
        } finally {
            spill.finishWriting();
            audit.finishWriting();
        }
    }

    private static void write(RankExchange.Writer out, PassOneRecord record) {
        try {
            out.write(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
