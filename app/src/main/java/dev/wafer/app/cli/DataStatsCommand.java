package dev.wafer.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.wafer.formats.data.DatasetManifest;
import dev.wafer.formats.data.ManifestJson;
import dev.wafer.formats.data.PreparedDataset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wafer data stats}. */
@Command(name = "stats", mixinStandardHelpOptions = true, description = "Print the summary of a prepared dataset.")
final class DataStatsCommand implements Callable<Integer>, BackendAgnostic {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "Prepared dataset directory.")
    Path dataset;
    @Option(names = "--json", description = "Print the manifest's settings, splits, summary and inputs as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        DatasetManifest m = PreparedDataset.open(dataset, "--dataset").manifest();
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.println(ManifestJson.statsText(m));
        } else {
            SummaryTable.print(o, m);
            printInputs(o, m);
        }
        o.flush();
        return 0;
    }

    /** The inputs with their SHA-256, which tie the dataset to the exact corpus files. */
    private static void printInputs(PrintWriter o, DatasetManifest m) {
        o.println("inputs (" + m.inputs().size() + "):");
        for (DatasetManifest.Input i : m.inputs()) {
            String size = i.bytes() >= 0 ? i.bytes() + " bytes" : "size unknown";
            String sha = i.sha256().isEmpty() ? "not recorded (prepared before 2026-12-07)" : i.sha256();
            o.println("  " + DisplayName.of(i.name()) + "  " + size + "  sha256 " + sha);
        }
    }
}
