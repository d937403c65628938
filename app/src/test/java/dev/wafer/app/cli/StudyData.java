package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The small dataset the study and dry-run tests train on: the embedded sample, bytes, rows of 16, Books3 left out. */
final class StudyData {
    private StudyData() {
    }

    /** Prepares it into {@code out} with split {@code split} (e.g. {@code 0.9,0.05,0.05}) and {@code more} flags. */
    static Path bytes16(Path out, String split, String... more) {
        List<String> args = new ArrayList<>(List.of("data", "prepare", "--out", out.toString(), "--seq-len", "16",
                "--quiet", "--tokenizer", "bytes", "--split", split, "--exclude-source", "Books3"));
        args.addAll(List.of(more));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        return out;
    }

    /** The usual split: 90% train, 5% validation, 5% test. */
    static Path bytes16(Path out) {
        return bytes16(out, "0.9,0.05,0.05");
    }
}
