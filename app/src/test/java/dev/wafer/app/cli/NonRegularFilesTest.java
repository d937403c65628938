package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.formats.fixtures.FixtureFiles;

/**
 * FIFOs, device nodes and symbolic links where Wafer reads or replaces a file: {@code --overwrite} turned them into
 * plain files, and a FIFO given as a checkpoint or config.json blocked forever. Each is now one line, exit 2.
 */
class NonRegularFilesTest {
    @TempDir
    static Path tmp;
    static Path checkpoint;

    @BeforeAll
    static void importModel() {
        checkpoint = tmp.resolve("tiny.wafer");
        CliRun run = CliRun.of("import-hf", "--from", hf().toString(), "--out", checkpoint.toString());
        assertEquals(0, run.exitCode(), run.err());
    }

    static Path hf() {
        return FixtureFiles.directory("hf-fixture/tiny-gpt2");
    }

    static Path fifo(Path path) throws IOException, InterruptedException {
        assumeTrue(new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor() == 0, "mkfifo");
        return path;
    }

    private static void refused(CliRun run, String... parts) {
        assertEquals(2, run.exitCode(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        for (String p : parts) {
            assertTrue(run.err().contains(p), run.err());
        }
    }

    private static void stillFifo(Path p) {
        assertFalse(Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS), p + " became a regular file");
        assertFalse(Files.isSymbolicLink(p), p + " became a link");
    }

    @Test
    void overwriteRefusesAFifoInsteadOfReplacingIt() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("ow-fifo"));
        Path req = fifo(dir.resolve("req.fifo"));
        Path data = FixtureFiles.directory("harness").resolve("hellaswag_val.jsonl");
        refused(CliRun.of("eval", "--checkpoint", checkpoint.toString(), "--task", "hellaswag", "--data",
                data.toString(), "--write-requests", req.toString(), "--overwrite"),
                "--write-requests " + req + " is a FIFO, not a regular file; --overwrite replaces regular files only");
        stillFifo(req);
        Path ck = fifo(dir.resolve("ck.fifo"));
        refused(CliRun.of("import-hf", "--from", hf().toString(), "--out", ck.toString(), "--overwrite"),
                "--out " + ck + " is a FIFO");
        stillFifo(ck);
        Path fp = fifo(dir.resolve("fp.fifo"));
        Path work = Files.writeString(dir.resolve("work.txt"), "word ".repeat(400));
        refused(CliRun.of("data", "fingerprint", "--text", work.toString(), "--out", fp.toString(), "--overwrite"),
                "--out " + fp + " is a FIFO");
        stillFifo(fp);
    }

    @Test
    void overwriteRefusesASymbolicLinkAndLeavesItsTarget() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("ow-link"));
        Path target = Files.writeString(dir.resolve("target.jsonl"), "keep\n");
        Path link = Files.createSymbolicLink(dir.resolve("req.jsonl"), target);
        Path data = FixtureFiles.directory("harness").resolve("hellaswag_val.jsonl");
        refused(CliRun.of("eval", "--checkpoint", checkpoint.toString(), "--task", "hellaswag", "--data",
                data.toString(), "--write-requests", link.toString(), "--overwrite"), "is a symbolic link");
        assertTrue(Files.isSymbolicLink(link));
        Path out = Files.createDirectory(dir.resolve("export"));
        Path config = Files.createSymbolicLink(out.resolve("config.json"), target);
        refused(CliRun.of("export-hf", "--checkpoint", checkpoint.toString(), "--out", out.toString(), "--overwrite"),
                "--out " + config + " is a symbolic link");
        assertTrue(Files.isSymbolicLink(config));
        assertEquals("keep\n", Files.readString(target));
    }

    /** A character device (as /dev/null is) can only be made by root; skipped otherwise. */
    @Test
    void overwriteRefusesADeviceNode() throws Exception {
        Path dev = tmp.resolve("nulldev");
        assumeTrue(new ProcessBuilder("mknod", dev.toString(), "c", "1", "3").start().waitFor() == 0, "mknod (root)");
        refused(CliRun.of("import-hf", "--from", hf().toString(), "--out", dev.toString(), "--overwrite"),
                "is a character device, not a regular file");
        stillFifo(dev);
    }

    /** {@code --input <(cat corpus.jsonl)} was "I/O error: NoSuchFileException: /dev/fd/63"; a FIFO hung. */
    @Test
    void dataPrepareRefusesAPipeAsInput() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("prep-fifo"));
        Path input = fifo(dir.resolve("corpus.jsonl"));
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> refused(CliRun.of("data", "prepare", "--input",
                input.toString(), "--out", dir.resolve("ds").toString(), "--tokenizer", "bytes", "--quiet"),
                "--input " + input + " is a pipe; data prepare reads its input twice, give a file"));
        assertFalse(Files.exists(dir.resolve("ds")));
    }

    @Test
    void aFifoAsCheckpointOrConfigIsRefusedNotWaitedOn() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("read-fifo"));
        Path ck = fifo(dir.resolve("ck.fifo"));
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            refused(CliRun.of("generate", "--checkpoint", ck.toString(), "--prompt", "hi"), ck + ": is a FIFO");
            refused(CliRun.of("eval", "--checkpoint", ck.toString(), "--tasks", "builtin"), "is a FIFO");
            refused(CliRun.of("export-hf", "--checkpoint", ck.toString(), "--out", dir.resolve("x").toString()),
                    "is a FIFO");
            refused(CliRun.of("train", "--resume", ck.toString(), "--steps", "2"), "is a FIFO");
        });
        Path model = Files.createDirectory(dir.resolve("model"));
        Files.copy(hf().resolve("model.safetensors"), model.resolve("model.safetensors"));
        fifo(model.resolve("config.json"));
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> refused(CliRun.of("import-hf", "--from",
                model.toString(), "--out", dir.resolve("o.wafer").toString()), "config.json: is a FIFO"));
    }
}
