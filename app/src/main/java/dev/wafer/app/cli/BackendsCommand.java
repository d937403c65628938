package dev.wafer.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wafer.app.backend.BackendCatalog;
import dev.wafer.app.backend.BackendModule;
import dev.wafer.ports.backend.BackendAvailability;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wafer backends}: probes every backend and shows which can run here, and for those that
 * cannot, why and what to do. Exits 0 whatever it finds: it reports, it does not judge.
 */
@Command(name = "backends", mixinStandardHelpOptions = true,
        description = "List the compute backends and whether each can run on this machine.")
final class BackendsCommand implements Runnable, BackendAgnostic {

    /**
     * One backend as shown to the user; also the JSON shape of {@code --json}: {@code device_memory_bytes} is the
     * free device memory runs are sized against (null for host backends), {@code properties} the device's facts
     * (for cuda: gpu, compute capability, SM count, memory, driver, NVRTC and cuBLAS versions).
     */
    record Row(String name, boolean available, String detail, String remedy,
               @com.fasterxml.jackson.annotation.JsonProperty("device_memory_bytes") Long deviceMemoryBytes,
               Map<String, String> properties) {
    }

    @Option(names = "--json", description = "Print a JSON array of {name, available, detail, remedy,"
            + " device_memory_bytes, properties}.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Inject
    BackendCatalog catalog;

    /** WAFER_BACKEND as the environment has it (null when unset), set at start-up; the listing notes a bad one. */
    String configured;

    @Override
    public void run() {
        List<Row> rows = catalog.all().stream().map(BackendsCommand::row).toList();
        if (configured != null && !configured.isBlank() && catalog.find(configured.strip()).isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("wafer: note: WAFER_BACKEND names an unknown backend '" + configured.strip()
                    + "'; computing commands refuse it until it is one of: " + String.join(", ", catalog.names()));
            err.flush();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(rows));
        } else {
            printTable(rows, out);
        }
        out.flush();
    }

    private static Row row(BackendModule backend) {
        BackendAvailability a = backend.probe().probe();
        return new Row(backend.name(), a.available(), a.detail(), a.remedy(),
                a.deviceMemoryBytes().isPresent() ? a.deviceMemoryBytes().getAsLong() : null, a.properties());
    }

    private static String toJson(List<Row> rows) {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            // Rows are records of strings and booleans; failing to write them is a bug, not a user error.
            throw new IllegalStateException("cannot write backends as JSON", e);
        }
    }

    private static void printTable(List<Row> rows, PrintWriter out) {
        int nameWidth = Math.max("BACKEND".length(), rows.stream().mapToInt(r -> r.name().length()).max().orElse(0));
        String format = "%-" + nameWidth + "s  %-11s  %s%n";
        out.printf(format, "BACKEND", "STATUS", "DETAIL");
        for (Row r : rows) {
            String detail = r.available() ? r.detail() : r.detail() + ". " + r.remedy() + ".";
            out.printf(format, r.name(), r.available() ? "available" : "unavailable", detail);
        }
    }
}
