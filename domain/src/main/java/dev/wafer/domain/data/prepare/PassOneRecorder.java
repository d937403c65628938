package dev.wafer.domain.data.prepare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import dev.wafer.ports.data.DocumentSource;
import dev.wafer.ports.data.MalformedInputException;
import dev.wafer.ports.data.MalformedRecord;
import dev.wafer.ports.data.prepare.PassOneRecord;
import dev.wafer.ports.data.prepare.ProgressReporter;
import dev.wafer.ports.data.prepare.RankExchange;

/**
 * Pass 1 of one rank in a multi-rank preparation: reads this rank's inputs with the same batched, ordered
 * processing as a single process ({@link InputOrderProcessing}) and writes the results to the rank's stream instead
 * of the shuffle. Where a single process would stop (an input that cannot be read; with {@code --on-error fail},
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
     * @param mine the indexes of this rank's inputs, ascending
     * @throws IOException when the stream cannot be written
     */
    void record(List<DocumentSource> inputs, List<Integer> mine, RankExchange.Writer out) throws IOException {
        long total = mine.stream().mapToLong(i -> Math.max(0, inputs.get(i).sizeBytes())).sum();
        Consumer<ProcessedDocument> results = d -> write(out, PassOneRecords.of(d));
        Consumer<MalformedRecord> malformed = r -> {
            write(out, new PassOneRecord.Malformed(r));
            if (settings.failOnMalformed()) {
                throw new MalformedInputException(r);
            }
        };
        try (ProgressReporter.Task task = progress.start("reading", total > 0 ? total : -1, "B");
             InputOrderProcessing processing = new InputOrderProcessing(new DocumentProcessor(settings),
                     settings.threads(), results, malformed, () -> task.stepTo(bytesRead.getAsLong()))) {
            for (int input : mine) {
                out.write(new PassOneRecord.Begin(input));
                try {
                    inputs.get(input).read(processing);
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
                out.write(new PassOneRecord.End());
            }
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
