package dev.wafer.app.data;

import java.io.IOException;
import java.util.List;
import java.util.function.LongConsumer;

import dev.wafer.domain.data.prepare.DatasetPreparation;
import dev.wafer.domain.data.prepare.PreparationReport;
import dev.wafer.ports.data.DocumentSource;
import dev.wafer.ports.data.MalformedInputException;

/**
 * Prepares a dataset into a directory of files: the domain use case ({@link DatasetPreparation}) wired to the
 * file formats ({@link DatasetDirectory}), followed by {@code manifest.json} ({@link ManifestJson}), which records
 * the settings and inputs beside the use case's report.
 */
public final class DatasetPreparer {
    private final PrepareSettings settings;
    private final DatasetLayout layout;
    private final DatasetDirectory directory;
    private final DatasetPreparation preparation;

    public DatasetPreparer(PrepareSettings settings, Progress progress) {
        this.settings = settings;
        this.layout = new DatasetLayout(settings.out());
        this.directory = new DatasetDirectory(layout);
        this.preparation = new DatasetPreparation(settings.preparation(), directory, progress);
    }

    /** Give this to {@link Inputs} so progress can follow the stored bytes read. */
    public LongConsumer byteCounter() {
        return preparation.byteCounter();
    }

    /**
     * Runs preparation.
     *
     * @throws MalformedInputException when malformed input is fatal
     */
    public PreparationReport prepare(List<DocumentSource> inputs) throws IOException {
        directory.removePreviousDataset();
        PreparationReport report = preparation.prepare(inputs);
        ManifestJson.write(layout.manifest(), settings, inputs, report);
        return report;
    }
}
