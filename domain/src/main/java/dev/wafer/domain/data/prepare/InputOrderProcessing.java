package dev.wafer.domain.data.prepare;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import dev.wafer.ports.data.DocumentMemoryError;
import dev.wafer.ports.data.DocumentVisitor;
import dev.wafer.ports.data.MalformedRecord;
import dev.wafer.ports.data.RawDocument;

/**
 * The reading side of pass 1: collects documents into batches, processes each batch on a fixed pool of worker
 * threads ({@link DocumentProcessor}) and hands the results to a consumer in input order, on the reading thread,
 * so the output does not depend on thread timing. At most two batches per worker are in flight, so memory does not
 * grow with the input.
 */
final class InputOrderProcessing implements DocumentVisitor, AutoCloseable {
    private static final int BATCH_DOCS = 256;
    private static final long BATCH_CHARS = 1 << 18;

    private final DocumentProcessor processor;
    private final int threads;
    private final Consumer<ProcessedDocument> results;
    private final Consumer<MalformedRecord> malformed;
    private final Runnable afterBatch;
    private final ExecutorService pool;
    private final ArrayDeque<Future<List<ProcessedDocument>>> pending = new ArrayDeque<>();
    private List<RawDocument> batch = new ArrayList<>();
    private long batchChars;
    private long ordinal;
    private long firstOrdinalOfBatch;

    /**
     * @param results    receives every processed document, in input order
     * @param afterBatch runs on the reading thread after each batch's results were consumed (progress)
     */
    InputOrderProcessing(DocumentProcessor processor, int threads, Consumer<ProcessedDocument> results,
                         Consumer<MalformedRecord> malformed, Runnable afterBatch) {
        this.processor = processor;
        this.threads = threads;
        this.results = results;
        this.malformed = malformed;
        this.afterBatch = afterBatch;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "wafer-prepare");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void document(RawDocument document) {
        if (batch.isEmpty()) {
            firstOrdinalOfBatch = ordinal;
        }
        ordinal++;
        batch.add(document);
        batchChars += document.text().length();
        if (batch.size() >= BATCH_DOCS || batchChars >= BATCH_CHARS) {
            submit();
        }
    }

    @Override
    public void malformed(MalformedRecord record) {
        malformed.accept(record);
    }

    /** Processes what is left and waits until every result has been consumed; reading may go on afterwards. */
    void finish() {
        submit();
        while (!pending.isEmpty()) {
            drainOldest();
        }
    }

    private void submit() {
        if (batch.isEmpty()) {
            return;
        }
        List<RawDocument> docs = batch;
        long first = firstOrdinalOfBatch;
        batch = new ArrayList<>();
        batchChars = 0;
        pending.add(pool.submit(() -> {
            List<ProcessedDocument> out = new ArrayList<>(docs.size());
            for (int i = 0; i < docs.size(); i++) {
                try {
                    out.add(processor.process(first + i, docs.get(i)));
                } catch (OutOfMemoryError e) {
                    // Tokenising holds the document's text and tokens whole: say which document.
                    throw new DocumentMemoryError(docs.get(i).location(), docs.get(i).text().length(), "characters",
                            e);
                }
            }
            return out;
        }));
        while (pending.size() > 2 * threads) {
            drainOldest();
        }
    }

    private void drainOldest() {
        List<ProcessedDocument> docs;
        try {
            docs = pending.poll().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("preparation interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("document processing failed: " + e.getCause(), e.getCause());
        }
        docs.forEach(results);
        afterBatch.run();
    }

    /** Stops the workers, also when reading failed half-way. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
