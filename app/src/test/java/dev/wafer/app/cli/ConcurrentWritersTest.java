package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.wafer.formats.fileio.ExclusiveLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command that writes a file holds a lock on it from its "already exists" check to its write: a second writer of
 * the same output meanwhile (here: a lock held by the test, as a first writer would) is refused in one line naming
 * the path, exit 2, and writes nothing. Until 2026-12-07 both ran and the later one silently replaced the other's
 * file, and two searches in one --out trained every sample twice.
 */
class ConcurrentWritersTest {
    @TempDir
    Path tmp;

    private static void assertRefused(CliRun run, String path) {
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("wafer: ") && run.err().strip().lines().count() == 1, run.err());
        assertTrue(run.err().contains(path + " is being written by another wafer process"), run.err());
    }

    private static ExclusiveLock hold(Path lockFile) throws IOException {
        return ExclusiveLock.tryAcquire(lockFile).orElseThrow();
    }

    @Test
    void fingerprint() throws IOException {
        Path text = Files.writeString(tmp.resolve("work.txt"), "river stone lantern ".repeat(40));
        Path fp = tmp.resolve("fp.bin");
        try (var first = hold(tmp.resolve(".fp.bin.lock"))) {
            assertRefused(CliRun.of("data", "fingerprint", "--text", text.toString(), "--out", fp.toString()),
                    "--out " + fp);
        }
        assertFalse(Files.exists(fp));
        CliRun after = CliRun.of("data", "fingerprint", "--text", text.toString(), "--out", fp.toString());
        assertEquals(0, after.exitCode(), after.err());
        assertFalse(Files.exists(tmp.resolve(".fp.bin.lock")), "the lock file goes with its holder");
    }

    @Test
    void evalWriteRequests() throws IOException {
        Path requests = tmp.resolve("r.jsonl");
        try (var first = hold(tmp.resolve(".r.jsonl.lock"))) {
            assertRefused(CliRun.of("eval", "--checkpoint", tmp.resolve("none.wafer").toString(), "--tasks",
                    "builtin", "--write-requests", requests.toString()), "--write-requests " + requests);
        }
        assertFalse(Files.exists(requests));
    }

    @Test
    void importHf() throws IOException {
        Path ckpt = tmp.resolve("x.wafer");
        try (var first = hold(tmp.resolve(".x.wafer.lock"))) {
            assertRefused(CliRun.of("import-hf", "--from", tmp.resolve("hf").toString(), "--out", ckpt.toString()),
                    "--out " + ckpt);
        }
        assertFalse(Files.exists(ckpt));
    }

    @Test
    void exportHf() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("hf"));
        try (var first = hold(out.resolve(ExportHfCommand.LOCK_FILE))) {
            assertRefused(CliRun.of("export-hf", "--checkpoint", tmp.resolve("none.wafer").toString(), "--out",
                    out.toString()), "--out " + out);
        }
        try (var files = Files.list(out)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void exportHfLeavesNoFolderItCreatedWhenItFails() {
        Path out = tmp.resolve("new-hf");
        CliRun run = CliRun.of("export-hf", "--checkpoint", tmp.resolve("none.wafer").toString(), "--out",
                out.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertFalse(Files.exists(out), "no empty folder left behind");
    }

    @Test
    void mupSearch() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("search"));
        try (var first = hold(out.resolve(MupSearchCommand.LOCK_FILE))) {
            assertRefused(CliRun.of("study", "mup-search", "--proxy", "mup-proxy-64", "--samples", "1",
                    "--budget-tokens", "128", "--data", tmp.resolve("ds").toString(), "--seq", "16", "--batch", "2",
                    "--eval-sequences", "4", "--seed", "7", "--out", out.toString(), "--json", "--quiet"),
                    "--out " + out);
        }
    }
}
