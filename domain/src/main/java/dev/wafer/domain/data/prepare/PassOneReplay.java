package dev.wafer.domain.data.prepare;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import dev.wafer.ports.data.MalformedRecord;
import dev.wafer.ports.data.UnreadableInputException;
import dev.wafer.ports.data.prepare.PassOneRecord;
import dev.wafer.ports.data.prepare.ProgressReporter;
import dev.wafer.ports.data.prepare.RankExchange;

/**
 * Rank 0's side of a multi-rank pass 1: consumes every rank's results in input order (input 0 from the rank that
 * read it, then input 1, ...), numbering documents as a single process would, so the shuffle, the audit ids and
 * every file written afterwards equal a single process's. Kept documents do not come this way: each rank left
 * their tokens in its own shuffle buckets and their shingles in its own audit runs, which every rank reads in pass 2
 * with the offsets derived from each input's counts learnt here ({@link RankOffsets#of}); only excluded documents,
 * malformed records
 * and, for deduplication, the kept documents' signatures are replayed one by one. Each rank's stream is read once, front to back, because
 * a rank wrote its inputs in input order.
 */
final class PassOneReplay {
    private static final String TRAIN = dev.wafer.domain.data.Split.TRAIN.fileName();
    private final RankExchange exchange;
    private final InputAssignment assignment;
    private final ProgressReporter progress;

    PassOneReplay(RankExchange exchange, InputAssignment assignment, ProgressReporter progress) {
        this.exchange = exchange;
        this.assignment = assignment;
        this.progress = progress;
    }

    /**
     * @param inputs  number of inputs
     * @param offsets receives where each rank's rank-local numbers start in every input, for its shuffle buckets
     * @param counts  receives each input's documents and training documents (at {@code 2 * input} and the next),
     *                from which the other ranks learn the same offsets ({@link RankOffsets#of})
     * @param sha256  receives each input's SHA-256 as the rank that read it computed it (null when unknown)
     * @throws UnreadableInputException where an input could not be read (the reading rank's message, which names
     *                                   the input and the reason)
     * @throws IOException                where a stream is damaged
     */
    void replay(int inputs, BucketingPass documents, Consumer<MalformedRecord> malformed, RankOffsets offsets,
                long[] counts, String[] sha256) throws IOException {
        List<RankExchange.Reader> readers = new ArrayList<>();
        try (ProgressReporter.Task task = progress.start("merging ranks", inputs, "inputs")) {
            for (int r = 0; r < assignment.ranks(); r++) {
                readers.add(exchange.reader(r));
            }
            long ordinal = 0;
            long train = 0;
            long[] rankDocuments = new long[assignment.ranks()];
            long[] rankTrain = new long[assignment.ranks()];
            for (int input = 0; input < inputs; input++) {
                int rank = assignment.rankOf(input);
                RankExchange.Reader in = readers.get(rank);
                PassOneRecord first = next(in, rank, input);
                if (!(first instanceof PassOneRecord.Begin b) || b.input() != input) {
                    throw damaged(rank, input, "expected the start of the input, found " + first);
                }
                offsets.startInput(rank, rankDocuments[rank], ordinal, rankTrain[rank], train);
                long inputOrdinal = ordinal;
                // Kept documents seen one by one (deduplication only): kept, train, text bytes.
                long[] seen = new long[3];
                PassOneRecord.End end = null;
                while (end == null) {
                    switch (next(in, rank, input)) {
                        case PassOneRecord.Kept k -> {
                            if (k.tokens() != null || k.shingles() != null) {
                                throw damaged(rank, input, "a document's tokens or shingles travelled in the stream");
                            }
                            seen[0]++;
                            seen[1] += TRAIN.equals(k.split()) ? 1 : 0;
                            seen[2] += k.textBytes();
                            documents.accept(PassOneRecords.kept(ordinal++, k));
                        }
                        case PassOneRecord.Excluded x -> documents.accept(PassOneRecords.excluded(ordinal++, x));
                        case PassOneRecord.Malformed m -> malformed.accept(m.record());
                        case PassOneRecord.Failed f -> throw new UnreadableInputException(f.message());
                        case PassOneRecord.End e -> end = e;
                        case PassOneRecord.Begin other -> throw damaged(rank, input, "input " + other.input() + " starts"
                                + " before input " + input + " ends");
                    }
                }
                if (ordinal - inputOrdinal > end.documents() || seen[0] > end.kept() || seen[1] > end.train()) {
                    throw damaged(rank, input, "its counts (" + end + ") are below the documents it lists");
                }
                // The kept documents not listed stay in the rank's buckets and audit runs; only their counts matter.
                documents.keptElsewhere(end.kept() - seen[0], end.train() - seen[1], end.keptTextBytes() - seen[2]);
                counts[2 * input] = end.documents();
                sha256[input] = end.sha256();
                counts[2 * input + 1] = end.train();
                ordinal = inputOrdinal + end.documents();
                train += end.train();
                rankDocuments[rank] += end.documents();
                rankTrain[rank] += end.train();
                task.stepTo(input + 1);
            }
        } finally {
            for (RankExchange.Reader r : readers) {
                r.close();
            }
        }
    }

    private static PassOneRecord next(RankExchange.Reader in, int rank, int input) throws IOException {
        Optional<PassOneRecord> r = in.next();
        if (r.isEmpty()) {
            throw damaged(rank, input, "the stream ends");
        }
        return r.get();
    }

    private static IOException damaged(int rank, int input, String what) {
        return new IOException("the pass-1 results of rank " + rank + " are damaged at input " + input + ": " + what);
    }
}
