package dev.wafer.formats.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

import dev.wafer.domain.data.prepare.DatasetPreparation;
import dev.wafer.formats.input.InvalidInputException;
import dev.wafer.domain.data.prepare.PreparationReport;
import dev.wafer.domain.data.prepare.MultiRankProtocol;
import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.data.DocumentSource;
import dev.wafer.ports.data.MalformedInputException;

/**
 * Prepares a dataset into a directory of files: the domain use case ({@link DatasetPreparation}) wired to the
 * file formats ({@link DatasetDirectory}), followed by {@code manifest.json} ({@link ManifestJson}), which records
 * the settings, inputs and every file's checksum beside the use case's report. The dataset is built beside the
 * output directory and swapped in only when complete ({@link DatasetStaging}); a failed run removes its partial
 * build and leaves the output directory as it was.
 */
public final class DatasetPreparer implements DatasetPreparers.Preparer {
    /** Where the ranks of a multi-rank preparation leave their pass-1 results, inside the build directory. */
    static final String RANKS_TMP = ".ranks-tmp";

    private final PrepareSettings settings;
    private final DatasetStaging staging;
    private final DatasetLayout layout;
    private final DatasetDirectory directory;
    private final DatasetPreparation preparation;
    private final OutputChannels channels;

    public DatasetPreparer(PrepareSettings settings, Progress progress) {
        this(settings, progress, OutputChannels.FILES, ProcessHandle.current().pid());
    }

    /**
     * A preparer for one rank of a multi-rank preparation ({@link #prepare(List, Collective)}).
     *
     * @param leadProcess rank 0's process id, which names the build directory every rank shares
     */
    public DatasetPreparer(PrepareSettings settings, Progress progress, long leadProcess) {
        this(settings, progress, OutputChannels.FILES, leadProcess);
    }

    /** @param channels how files are created (tests pass a failing file system) */
    DatasetPreparer(PrepareSettings settings, Progress progress, OutputChannels channels) {
        this(settings, progress, channels, ProcessHandle.current().pid());
    }

    private DatasetPreparer(PrepareSettings settings, Progress progress, OutputChannels channels, long owner) {
        this.settings = settings;
        this.staging = new DatasetStaging(settings.out(), owner);
        this.layout = new DatasetLayout(staging.build());
        this.directory = new DatasetDirectory(layout, channels);
        this.preparation = new DatasetPreparation(settings.preparation(), directory, progress);
        this.channels = channels;
    }

    @Override
    public LongConsumer byteCounter() {
        return preparation.byteCounter();
    }

    @Override
    public String abandon() {
        return staging.abandon();
    }

    /**
     * Runs preparation.
     *
     * @throws MalformedInputException when malformed input is fatal
     * @throws dev.wafer.domain.data.prepare.NoDocumentsException when the input has no document to keep
     * @throws IOException naming the file when reading or writing fails; the output directory is then unchanged
     */
    public PreparationReport prepare(List<DocumentSource> inputs) throws IOException {
        staging.begin();
        try {
            PreparationReport report = preparation.prepare(inputs);
            requireSequences(report);
            ManifestJson.write(channels, layout, settings, inputs, report, directory.checks());
            staging.commit();
            return report;
        } catch (UncheckedIOException e) {
            staging.abort(e);
            throw e.getCause();
        } catch (IOException | RuntimeException | Error e) {
            staging.abort(e);
            throw e;
        }
    }

    /**
     * Runs preparation on every rank of {@code ranks} (each rank calls this with the same settings and inputs, and
     * with rank 0's process id): rank 0 creates the build directory, every rank reads its share of the inputs and
     * leaves its results in {@value #RANKS_TMP} inside it, every rank writes its share of the dataset's files (pass 2
     * spread over the ranks), then rank 0 alone completes them (headers, checksums), writes the manifest, and swaps
     * the dataset in; the result is the dataset a single process prepares, byte for byte (the manifest's
     * {@code prepare_seconds} aside, which differs between any two runs). The build directory must be on a file
     * system every rank sees.
     *
     * @return the report on rank 0, empty on the other ranks (which return once their share of pass 2 is written)
     * @throws dev.wafer.domain.data.prepare.RankFailedException on every rank when one could not do its share
     */
    @Override
    public Optional<PreparationReport> prepare(List<DocumentSource> inputs, Collective ranks) throws IOException {
        if (ranks.size() == 1) {
            return Optional.of(prepare(inputs));
        }
        boolean lead = ranks.rank() == 0;
        Path exchangeDir = layout.dir().resolve(RANKS_TMP);
        // The protocol's steps are MultiRankProtocol's; what rank 0 does on disk to start is this directory's.
        MultiRankProtocol.start(ranks, () -> {
            try {
                staging.begin();
                Files.createDirectory(exchangeDir);
            } catch (IOException | RuntimeException | Error e) {
                staging.abort(e);
                throw e;
            }
        });
        RankExchangeFiles exchange = new RankExchangeFiles(exchangeDir);
        try {
            Optional<PreparationReport> report = preparation.prepare(inputs, ranks, exchange);
            if (!lead) {
                return report;
            }
            long alone = System.nanoTime();
            exchange.close();
            requireSequences(report.orElseThrow());
            ManifestJson.write(channels, layout, settings, inputs, report.orElseThrow(), directory.checks());
            staging.commit();
            // Rank 0's serial share includes cleaning up, the manifest and the swap.
            return report.map(r -> r.withSerialSeconds((System.nanoTime() - alone) / 1e9));
        } catch (UncheckedIOException e) {
            if (lead) {
                staging.abort(e);
            }
            throw e.getCause();
        } catch (IOException | RuntimeException | Error e) {
            if (lead) {
                staging.abort(e);
            }
            throw e;
        }
    }

    /**
     * Refuses, before anything replaces {@code --out}, a dataset whose training split packs no sequence: the corpus
     * is shorter than one sequence of {@code --seq-len} tokens, and such a dataset is of no use to train or eval.
     *
     * @throws InvalidInputException naming --seq-len with the tokens found
     */
    private void requireSequences(PreparationReport report) {
        PreparationReport.SplitStats train = report.splits().get(dev.wafer.domain.data.Split.TRAIN);
        if (train == null || train.sequences() == 0) {
            long tokens = report.splits().values().stream().mapToLong(PreparationReport.SplitStats::tokens).sum();
            throw new InvalidInputException("--seq-len " + settings.seqLen() + ": the training split packs no"
                    + " sequence (" + (train == null ? 0 : train.tokens()) + " of the corpus's " + tokens
                    + " tokens); use a smaller --seq-len or more input; --out " + settings.out() + " is unchanged");
        }
    }
}
