package dev.wafer.app.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.LongConsumer;

import dev.wafer.domain.data.prepare.DatasetPreparation;
import dev.wafer.domain.data.prepare.PreparationReport;
import dev.wafer.ports.data.DocumentSource;
import dev.wafer.ports.data.MalformedInputException;

/**
 * Prepares a dataset into a directory of files: the domain use case ({@link DatasetPreparation}) wired to the
 * file formats ({@link DatasetDirectory}), followed by {@code manifest.json} ({@link ManifestJson}), which records
 * the settings, inputs and every file's checksum beside the use case's report. The dataset is built beside the
 * output directory and swapped in only when complete ({@link DatasetStaging}); a failed run removes its partial
 * build and leaves the output directory as it was.
 */
public final class DatasetPreparer {
    private final PrepareSettings settings;
    private final DatasetStaging staging;
    private final DatasetLayout layout;
    private final DatasetDirectory directory;
    private final DatasetPreparation preparation;
    private final OutputChannels channels;

    public DatasetPreparer(PrepareSettings settings, Progress progress) {
        this(settings, progress, OutputChannels.FILES);
    }

    /** @param channels how files are created (tests pass a failing file system) */
    DatasetPreparer(PrepareSettings settings, Progress progress, OutputChannels channels) {
        this.settings = settings;
        this.staging = new DatasetStaging(settings.out());
        this.layout = new DatasetLayout(staging.build());
        this.directory = new DatasetDirectory(layout, channels);
        this.preparation = new DatasetPreparation(settings.preparation(), directory, progress);
        this.channels = channels;
    }

    /** Give this to {@link Inputs} so progress can follow the stored bytes read. */
    public LongConsumer byteCounter() {
        return preparation.byteCounter();
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
}
