package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that the operating system refuses part-way (here a file size limit, {@code ulimit -f 2}, in a child JVM:
 * "File too large", as a full disk's "No space left on device") is one line naming the user's path and the reason,
 * exit 74, and leaves no file and no temporary file. Until 2026-12-07 export-hf, import-hf and the studies exited 2,
 * the usage-error code, and some lines named a temporary file or an exception class instead.
 */
class WriteFailureTest {
    @TempDir
    Path tmp;

    /** Runs wafer in a child JVM whose files may not grow past {@code kib} KiB. */
    private CliRun limited(int kib, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -f " + kib + " && exec \"$@\"", "bash",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData",
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), WaferMain.class.getName()));
        command.addAll(List.of(args));
        Path out = tmp.resolve("child.out");
        Path err = tmp.resolve("child.err");
        Process child = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child did not finish");
        CliRun run = new CliRun(child.exitValue(), Files.readString(out), Files.readString(err).lines()
                .filter(l -> !l.startsWith("WARNING: Using incubator modules"))
                // eval's progress line, printed every few seconds: on a loaded machine one came before the failure
                .filter(l -> !l.matches("eval .*: \\d+/\\d+ requests .*"))
                .reduce("", (a, b) -> a + b + "\n"));
        Files.delete(out);
        Files.delete(err);
        return run;
    }

    private static void assertWriteFailure(CliRun run, String what) {
        assertEquals(WaferCommand.IO_ERROR, run.exitCode(), run.err());
        assertTrue(run.err().strip().lines().count() == 1, run.err());
        assertEquals("wafer: cannot write " + what + ": file too large", run.err().strip());
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void exportAndImportExit74NamingTheirOutput() throws Exception {
        Path ckpt = tmp.resolve("m.wafer");
        CliRun imported = CliRun.of("import-hf", "--from", HfInteropTest.fixture("tiny-gpt2").toString(), "--out",
                ckpt.toString());
        assertEquals(0, imported.exitCode(), imported.err());

        Path hf = tmp.resolve("hf");
        assertWriteFailure(limited(2, "export-hf", "--checkpoint", ckpt.toString(), "--out", hf.toString()),
                "--out " + hf);
        assertFalse(Files.exists(hf), "nothing left: " + (Files.exists(hf) ? names(hf) : ""));

        Path again = tmp.resolve("again.wafer");
        assertWriteFailure(limited(2, "import-hf", "--from", HfInteropTest.fixture("tiny-gpt2").toString(),
                "--out", again.toString()), "--out " + again);
        assertEquals(List.of("m.wafer"), names(tmp));
    }

    /**
     * data fingerprint and eval --write-requests on a full disk said "I/O error: IOException: No space left on
     * device", naming no file; their line now names the flag and the file.
     */
    @Test
    void fingerprintAndRequestsNameTheirOutput() throws Exception {
        StringBuilder text = new StringBuilder();
        java.util.SplittableRandom rng = new java.util.SplittableRandom(11);
        for (int i = 0; i < 2000; i++) {
            text.append("w").append(rng.nextInt(100_000)).append(' ');
        }
        Path work = Files.writeString(tmp.resolve("work.txt"), text);
        Path fp = tmp.resolve("fp.bin");
        assertWriteFailure(limited(2, "data", "fingerprint", "--text", work.toString(), "--out", fp.toString()),
                "--out " + fp);

        Path model = tmp.resolve("model");
        CliRun trained = CliRun.of("train", "--synthetic", "--out", model.toString(), "--d-model", "32", "--layers",
                "1", "--heads", "2", "--seq", "32", "--batch", "2", "--steps", "1", "--seed", "5");
        assertEquals(0, trained.exitCode(), trained.err());
        Path requests = tmp.resolve("r.jsonl");
        assertWriteFailure(limited(2, "eval", "--checkpoint", model.toString(), "--tasks", "builtin",
                "--write-requests", requests.toString()), "--write-requests " + requests);
        assertEquals(List.of("model", "work.txt"), names(tmp), "no file and no temporary file left");
    }
}
