package dev.wafer.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntFunction;

import dev.wafer.app.backend.MemoryBudget;
import dev.wafer.domain.model.ModelShape;

import dev.wafer.formats.data.DatasetLayout;
import dev.wafer.formats.data.Progress;
import dev.wafer.formats.data.SampleDataset;
import dev.wafer.formats.tokens.PreparedStudyData;
import dev.wafer.domain.study.StudyData;
import dev.wafer.domain.study.StudyListener;
import dev.wafer.domain.study.StudyTraining;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.ComputeBackendFactory;

/**
 * Runs one study: opens its data (the --data directory, else the embedded sample, prepared once and cached) and the
 * selected backend, hands both to the study with a progress listener, closes them, and times the whole.
 */
final class StudyRun {
    /** What a study computes, given the open backend and data. */
    @FunctionalInterface
    interface Body<R> {
        R run(ComputeBackend backend, PreparedStudyData data, StudyListener progress);
    }

    /**
     * A finished study.
     *
     * @param wallSeconds wall time, data preparation included
     */
    record Finished<R>(R result, String backend, double wallSeconds) {
    }

    private StudyRun() {
    }

    /**
     * Runs {@code body} on the data and backend.
     *
     * @param evalSequencesGiven --eval-sequences N, when given with N > 0 (else 0): a dataset prepared without a
     *                           validation split is then refused, as train refuses --eval-batches; left at its
     *                           default, the study reports the training loss and says so ({@link #scored})
     * @param runs            given the data's vocabulary, the shape of each model the study trains, keyed by the
     *                        flag and value that asked for it (checked against {@code memory} before any trains)
     */
    static <R> Finished<R> run(ComputeBackendFactory backends, MemoryBudget memory, StudyOptions options,
            PrintWriter err, int evalSequencesGiven, IntFunction<Map<String, ModelShape>> runs, Body<R> body) {
        long start = System.nanoTime();
        R result;
        String backendName;
        try (PreparedStudyData data = open(options, err, evalSequencesGiven)) {
            // Every run is checked before the first trains (the shapes need the data's vocabulary).
            StudyMemory.check(memory == null ? MemoryBudget.heap() : memory, runs.apply(data.vocabSize()),
                    options.batch, options.seq);
            try (ComputeBackend backend = backends.open()) {
                backendName = backend.name();
                result = body.run(backend, data, new StudyProgress(err, options.quiet));
            }
        }
        return new Finished<>(result, backendName, (System.nanoTime() - start) / 1e9);
    }

    /**
     * {@code training} scoring no more held-out sequences than the data's validation split has, each once: a larger
     * --eval-sequences is capped, as train caps --eval-batches, and the cap is said in one line (until 2026-12-07 the
     * split wrapped, sequences were scored twice and the outputs reported the count asked for).
     */
    static StudyTraining scored(StudyTraining training, StudyData data, PrintWriter err) {
        long available = data.heldOutSequences();
        if (training.evalSequences() <= available) {
            return training;
        }
        int capped = (int) available;
        err.println(available == 0
                ? "wafer: --eval-sequences " + training.evalSequences() + ": the validation split has no sequence to"
                        + " score (it needs two); the loss reported is the training loss of the last steps"
                : String.format(java.util.Locale.ROOT, "wafer: --eval-sequences %d: the validation split has %,d"
                        + " sequences to score (each once); scoring %,d", training.evalSequences(), available,
                        available));
        err.flush();
        return training.withEvalSequences(capped);
    }

    /**
     * The study data. A bad --data or --tokenizer is the user's mistake ({@link UserError}, or the
     * {@link dev.wafer.formats.input.InvalidInputException} the readers throw naming the file); anything else is not.
     */
    private static PreparedStudyData open(StudyOptions options, PrintWriter err, int evalSequencesGiven) {
        if (options.data != null && options.tokenizer != null) {
            // The dataset was tokenized when it was prepared: --tokenizer would be ignored.
            throw new UserError("--tokenizer " + options.tokenizer + " goes with the embedded sample; --data "
                    + options.data + " was tokenized when it was prepared; leave --tokenizer out");
        }
        Path dir = options.data != null ? options.data : sample(options, err);
        String label = options.data != null ? "dataset" : "embedded sample";
        if (!Files.isRegularFile(new DatasetLayout(dir).manifest())) {
            throw new UserError("--data " + dir + ": no " + DatasetLayout.MANIFEST + "; run 'wafer data prepare --out "
                    + dir + "' first");
        }
        PreparedStudyData data;
        try {
            data = PreparedStudyData.open(dir, label);
        } catch (IOException e) {
            throw new UserError("cannot read --data " + dir + ": " + e.getMessage());
        }
        if (evalSequencesGiven > 0 && data.validationSequences() == 0) {
            data.close();
            throw new UserError("--eval-sequences " + evalSequencesGiven + ": " + label + " " + dir + " has no"
                    + " validation split to score (prepared without one); leave it out (or give --eval-sequences 0)");
        }
        if (data.sequenceLength() < options.seq) {
            data.close();
            throw new UserError("--data " + dir + " has sequences of " + data.sequenceLength()
                    + " tokens, shorter than --seq " + options.seq + "; prepare it with --seq-len " + options.seq);
        }
        return data;
    }

    /** --eval-sequences when given on the command line and positive, else 0 (see {@link #run}). */
    static int given(picocli.CommandLine.Model.CommandSpec spec, int evalSequences) {
        return spec.commandLine().getParseResult().hasMatchedOption("--eval-sequences") ? Math.max(evalSequences, 0)
                : 0;
    }

    /** The embedded sample for --tokenizer and --seq; failing to write the cache is the machine's fault, not a flag's. */
    private static Path sample(StudyOptions options, PrintWriter err) {
        if (!options.quiet) {
            err.println("preparing the embedded sample with the " + options.sampleTokenizer() + " tokenizer (cached)...");
        }
        try {
            return SampleDataset.ensure(SampleDataset.defaultCacheRoot(), options.sampleTokenizer(), options.seq,
                    Progress.NONE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
