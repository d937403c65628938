package dev.wafer.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wafer.formats.fileio.AtomicPathWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Where a study's results go: {@code <name>.json} and {@code <name>.png} in the --out directory, then the JSON on
 * stdout with --json, else the study's table. The directory is made when this is created, before the study runs, so
 * that a bad --out fails before minutes of training rather than after.
 */
final class StudyOutput {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Draws a study's figure. */
    @FunctionalInterface
    interface Plot {
        void write(Path png) throws IOException;
    }

    /** Prints a study's table, ending with where its files went. */
    @FunctionalInterface
    interface TablePrinter {
        void print(PrintWriter out, Path png, Path json);
    }

    private final Path dir;
    private final boolean printJson;
    private final PrintWriter out;
    private final boolean created;

    private StudyOutput(Path dir, boolean printJson, PrintWriter out, boolean created) {
        this.dir = dir;
        this.printJson = printJson;
        this.out = out;
        this.created = created;
    }

    /** Creates the --out directory (default {@code wafer-studies/<study>}). */
    static StudyOutput create(StudyOptions options, String study, PrintWriter out) {
        Path dir = options.out != null ? options.out : Path.of("wafer-studies", study);
        boolean existed = Files.isDirectory(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError("--out " + dir + ": cannot create the directory (" + e.getMessage() + ")");
        }
        return new StudyOutput(dir, options.json, out, !existed);
    }

    /**
     * Runs {@code study}; when it fails, the --out directory this run made is removed again if nothing was written
     * in it (a study refused once its data is open, e.g. --tokens-per-param against the data's vocabulary, left an
     * empty folder behind).
     */
    <T> T run(java.util.function.Supplier<T> study) {
        try {
            return study.get();
        } catch (RuntimeException | Error e) {
            if (created) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException notEmpty) {
                    // Something was written there (a search's log, another process's files): it stays.
                }
            }
            throw e;
        }
    }

    /** The --out directory. */
    Path dir() {
        return dir;
    }

    /** Writes {@code name}.json and {@code name}.png, then prints the JSON or the table. */
    void publish(String name, Map<String, Object> results, Plot plot, TablePrinter table) {
        Path jsonFile = dir.resolve(name + ".json");
        Path png = dir.resolve(name + ".png");
        // Through a temporary file and a rename: a failed write (a full disk, a file size limit) keeps the old file.
        try {
            AtomicPathWriter.writeString(jsonFile, JSON.writeValueAsString(results) + "\n");
        } catch (IOException e) {
            throw WriteFailure.of(jsonFile.toString(), e);
        }
        try {
            AtomicPathWriter.write(png, plot::write);
        } catch (IOException e) {
            throw WriteFailure.of(png.toString(), e);
        }
        if (printJson) {
            Json.print(out, results);
            return;
        }
        table.print(out, png, jsonFile);
        out.flush();
    }
}
