package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.app.backend.BackendCatalog;
import dev.wafer.app.backend.FakeBackend;
import dev.wafer.formats.input.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** What the user sees when a command throws: user mistakes are one line and code 2, bugs are reported as bugs. */
class ErrorReportTest {

    /** A command that throws whatever the test hands it. */
    @Command(name = "fail")
    static final class FailingCommand implements Runnable, BackendAgnostic {
        private final Supplier<RuntimeException> failure;

        FailingCommand(Supplier<RuntimeException> failure) {
            this.failure = failure;
        }

        @Override
        public void run() {
            throw failure.get();
        }
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int runFailing(Supplier<RuntimeException> failure) {
        CommandLine cli = WaferCommand.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(),
                BackendCatalog.of(List.of(FakeBackend.available("cpu"))));
        cli.addSubcommand(new FailingCommand(failure));
        return cli.execute("fail");
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aPlainIllegalArgumentExceptionIsABugNotAUsageError() {
        int code = runFailing(() -> new IllegalArgumentException("index -1 out of range"));
        assertEquals(WaferCommand.INTERNAL_ERROR, code, err());
        assertTrue(code != WaferCommand.USAGE_ERROR);
        String first = err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("wafer: internal error (this is a bug in wafer"), err());
        assertTrue(first.contains("java.lang.IllegalArgumentException: index -1 out of range"), err());
        assertTrue(err().contains("\tat " + FailingCommand.class.getName() + ".run("), "stack trace expected: " + err());
    }

    @Test
    void anyOtherUnexpectedExceptionIsABugToo() {
        int code = runFailing(() -> new IllegalStateException("scope closed twice"));
        assertEquals(WaferCommand.INTERNAL_ERROR, code, err());
        assertTrue(err().contains("IllegalStateException: scope closed twice"), err());
    }

    /** A device that fails mid-run is neither the user's mistake nor a Wafer bug: one line, the call and its error. */
    @Test
    void aDeviceFailureIsOneLineNamingTheCall() {
        int code = runFailing(() -> new dev.wafer.ports.compute.DeviceFailureException("cuda", "cuLaunchKernel"
                + " (kernel flash_attention_f32_forward, grid 1x4, block 128x1) failed: CUDA_ERROR_LAUNCH_FAILED (719)",
                false));
        assertEquals(WaferCommand.DEVICE_FAILED, code, err());
        assertEquals(1, err().lines().count(), "one line, no trace: " + err());
        assertTrue(err().startsWith("wafer: the cuda device failed: cuLaunchKernel (kernel flash_attention_f32_forward,"
                + " grid 1x4, block 128x1) failed: CUDA_ERROR_LAUNCH_FAILED (719); "), err());
        assertTrue(err().contains("WAFER_CUDA_KERNELS=baseline"), err());
    }

    /** An OpenCL kernel that did not run on its device (Aparapi would have fallen back): a device failure too. */
    @Test
    void anOpenClFallbackIsADeviceFailure() {
        int code = runFailing(() -> new dev.wafer.adapters.opencl.ClFallbackException("gelu_forward", "pthread-cpu",
                "Aparapi marked the device as failed", null));
        assertEquals(WaferCommand.DEVICE_FAILED, code, err());
        assertEquals("wafer: the opencl device failed: OpenCL kernel 'gelu_forward' did not run on pthread-cpu: Aparapi"
                + " marked the device as failed (Aparapi would have re-run it on a Java thread pool; the OpenCL backend"
                + " refuses to); --backend cpu runs without the device\n", err());
    }

    @Test
    void aDeviceOutOfMemoryIsTheOutOfMemoryCode() {
        int code = runFailing(() -> new dev.wafer.ports.compute.DeviceFailureException("cuda",
                "cuMemAlloc (4294967296 bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (2)", true));
        assertEquals(WaferCommand.OUT_OF_MEMORY, code, err());
        assertEquals(1, err().lines().count(), "one line, no trace: " + err());
        assertTrue(err().contains("CUDA_ERROR_OUT_OF_MEMORY (2); its memory ran out") && err().contains("--micro-batch"),
                err());
    }

    @Test
    void aUserErrorIsOneLineWithTheUsageCode() {
        assertEquals(WaferCommand.USAGE_ERROR, runFailing(() -> new UserError("--steps must be positive")));
        assertEquals("wafer: --steps must be positive\n", err());
    }

    @Test
    void invalidInputIsOneLineWithTheUsageCode() {
        assertEquals(WaferCommand.USAGE_ERROR,
                runFailing(() -> new InvalidInputException("--dataset d: no manifest.json")));
        assertEquals("wafer: --dataset d: no manifest.json\n", err());
    }

    @Test
    void anIoFailureIsOneLineWithItsOwnCode() {
        int code = runFailing(() -> new UncheckedIOException(new NoSuchFileException("/gone/shard-0.bin")));
        assertEquals(WaferCommand.IO_ERROR, code, err());
        assertEquals("wafer: I/O error on /gone/shard-0.bin: no such file or directory\n", err());
    }

    /**
     * The reason in the operating system's words and the user's path, not a temporary file beside it or an
     * exception's class name (until 2026-12-07: "I/O error: AccessDeniedException: /data/ro/.fp.bin.9484.tmp",
     * "I/O error: IOException: No space left on device").
     */
    @Test
    void anIoFailureNamesTheUsersPathAndTheReason() {
        err.reset();
        runFailing(() -> new UncheckedIOException(new java.nio.file.AccessDeniedException("/data/ro/.fp.bin.9484.tmp")));
        assertEquals("wafer: I/O error on /data/ro/fp.bin: permission denied\n", err());
        err.reset();
        runFailing(() -> new UncheckedIOException(new java.nio.file.AccessDeniedException("/data/ro/.ds.prepare-9633")));
        assertEquals("wafer: I/O error on /data/ro/ds: permission denied\n", err());
        err.reset();
        runFailing(() -> new UncheckedIOException(new java.nio.file.FileSystemException(
                "/data/.ds.prepare-12/train-00000.bin", null, "No space left on device")));
        assertEquals("wafer: I/O error on /data/ds/train-00000.bin: no space left on device\n", err());
        err.reset();
        runFailing(() -> new UncheckedIOException(new java.io.IOException("No space left on device")));
        assertEquals("wafer: I/O error: no space left on device\n", err());
        err.reset();
        runFailing(() -> new UncheckedIOException(new java.nio.file.AccessDeniedException(
                "/w/.r.jsonl.k3j2h1.tmp", "/w/r.jsonl", null)));
        assertEquals("wafer: I/O error on /w/r.jsonl: permission denied\n", err());
    }

    /** A command that fails with a checked exception, as {@code data prepare} does with an unreadable input. */
    @Command(name = "fail-checked")
    static final class FailingCheckedCommand implements java.util.concurrent.Callable<Integer>, BackendAgnostic {
        @Override
        public Integer call() throws IOException {
            throw new dev.wafer.ports.data.UnreadableInputException("cannot read --input /x/y.jsonl: permission denied",
                    new java.nio.file.AccessDeniedException("/x/y.jsonl"));
        }
    }

    @Test
    void anUnreadableInputIsItsOwnLineWithTheIoCode() {
        CommandLine cli = WaferCommand.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(),
                BackendCatalog.of(List.of(FakeBackend.available("cpu"))));
        cli.addSubcommand(new FailingCheckedCommand());
        assertEquals(WaferCommand.IO_ERROR, cli.execute("fail-checked"), err());
        assertEquals("wafer: cannot read --input /x/y.jsonl: permission denied\n", err());
    }

    @Test
    void exitCodesAreDistinct() {
        assertEquals(4, java.util.Set.of(WaferCommand.USAGE_ERROR, WaferCommand.BACKEND_UNAVAILABLE,
                WaferCommand.IO_ERROR, WaferCommand.INTERNAL_ERROR).size());
    }

    /** User mistakes that reach code below the commands (readers, parsers) still end as one line and code 2. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "data prepare --out OUT --split 0.5,0.5|--split needs three fractions",
        "data prepare --out OUT --split 0.5,0.6,0.1|--split: split fractions must be non-negative and sum to 1",
        "data prepare --out OUT --tokenizer nonsense|--tokenizer 'nonsense': expected gpt2, bytes",
        "data prepare --out OUT --seq-len 1|--seq-len must be at least 2, got 1",
        "data prepare --out OUT --threads 0|--threads must be at least 1, got 0",
        "data prepare --out OUT --input MISSING|--input MISSING: no such file or directory",
        "data prepare --out OUT --exclude-work MISSING|MISSING: no such file",
        "data fingerprint --text MISSING --out OUT|MISSING: no such file",
        "data stats --dataset MISSING|no manifest.json",
        "data audit --dataset MISSING --text MISSING|--text MISSING: no such file",
        "data prepare --out OUT --split 1,NaN,0|--split: split fractions must be non-negative and sum to 1",
        "data prepare --out OUT --threads 2147483647|--threads must be at most 4096, got 2147483647",
        "data prepare --out OUT --seq-len 2147483647|--seq-len must be at most 1048576",
        "data prepare --out FILE/sub|: FILE is a file, not a directory",
        "data prepare --out OUT --input GZ|--input GZ: gz compression is not supported",
        "data stats --dataset FILE|--dataset FILE: is a file; expected the directory of a dataset",
        "data fingerprint --text FILE --out DIR|--out DIR: is a directory",
        "data fingerprint --text FILE --out MISSING/x.fp|the folder MISSING does not exist",
        "data fingerprint --text FILE --out FILE|is the --text file",
        "data fingerprint --text DIR --out OUT|DIR: is a directory; give a text file or a fingerprint file",
        "data plant-duplicates --out FILE|--out FILE: is a file",
    })
    void userMistakesBelowTheCommandsAreOneLineUsageErrors(String args, String message, @org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws IOException {
        String missing = dir.resolve("missing").toString();
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("file.txt"), "some text");
        java.nio.file.Path gz = java.nio.file.Files.write(dir.resolve("in.jsonl.gz"), new byte[] {0x1f, (byte) 0x8b});
        java.util.function.UnaryOperator<String> fill = a -> a.replace("MISSING", missing)
                .replace("OUT", dir.resolve("out").toString()).replace("FILE", file.toString())
                .replace("GZ", gz.toString()).replace("DIR", dir.toString());
        String[] argv = fill.apply(args).split(" ");
        CliRun run = CliRun.of(argv);
        assertEquals(WaferCommand.USAGE_ERROR, run.exitCode(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("wafer: "), run.err());
        assertTrue(run.err().contains(fill.apply(message)), run.err());
    }

    /** A checkpoint that cannot be written (a full disk) is an I/O failure, 74; an unusable one the user's, 2. */
    @Test
    void aCheckpointWriteFailureIsAnIoErrorAndABadCheckpointAUsageError() {
        java.nio.file.Path file = java.nio.file.Path.of("run", "checkpoint.wafer");
        int code = runFailing(() -> new dev.wafer.ports.checkpoint.CheckpointException(
                dev.wafer.ports.checkpoint.CheckpointException.Problem.IO, file, "No space left on device"));
        assertEquals(WaferCommand.IO_ERROR, code, err());
        assertEquals("wafer: checkpoint " + file + ": No space left on device", err().strip());
        err.reset();
        code = runFailing(() -> new dev.wafer.ports.checkpoint.CheckpointException(
                dev.wafer.ports.checkpoint.CheckpointException.Problem.TRUNCATED, file, "ends at byte 9"));
        assertEquals(WaferCommand.USAGE_ERROR, code, err());
        assertEquals(1, err().strip().lines().count(), err());
    }

    /** data prepare has no model or micro-batch: its out-of-memory line names --bucket-mb. */
    @Command(name = "prepare")
    static final class OutOfMemoryPrepare implements Runnable, BackendAgnostic {
        @Override
        public void run() {
            // As from the packing threads: wrapped (a bare Error never reaches picocli's handler).
            throw new java.util.concurrent.CompletionException(new OutOfMemoryError("Java heap space"));
        }
    }

    @Test
    void prepareRunningOutOfMemoryNamesTheBucketNotTheMicroBatch() {
        CommandLine cli = WaferCommand.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(),
                BackendCatalog.of(List.of(FakeBackend.available("cpu"))));
        cli.addSubcommand(new OutOfMemoryPrepare());
        assertEquals(WaferCommand.OUT_OF_MEMORY, cli.execute("prepare"), err());
        assertTrue(err().contains("--bucket-mb") && !err().contains("--micro-batch"), err());
        assertEquals(1, err().strip().lines().count(), err());
    }

    /** One document too large for the heap: named, with its size; --bucket-mb, which cannot help, is not advised. */
    @Test
    void prepareRunningOutOfMemoryOnOneDocumentNamesIt() {
        String line = ErrorReport.prepareOutOfMemoryLine(new dev.wafer.ports.data.DocumentMemoryError(
                "in/big.jsonl.zst:1", 400_000_043L, "bytes", new OutOfMemoryError("Java heap space")));
        assertTrue(line.startsWith("wafer: out of memory (Java heap space) with a heap of "), line);
        assertTrue(line.contains(" MiB while reading and tokenising one document, in/big.jsonl.zst:1 (400,000,043"
                + " bytes); ") && line.contains("the largest document sets a memory floor that --bucket-mb does not"
                + " lower: give a larger heap (WAFER_JAVA_OPTS=-Xmx...) or split the document"), line);
        assertFalse(line.contains("use a smaller --bucket-mb"), line);
        String unknown = ErrorReport.prepareOutOfMemoryLine(new dev.wafer.ports.data.DocumentMemoryError(
                "in/big.jsonl.zst:1", -1, "bytes", new OutOfMemoryError("Java heap space")));
        assertTrue(unknown.contains("in/big.jsonl.zst:1 (its size is not known: the heap ran out while reading it)"),
                unknown);
        // As the packing threads throw it, wrapped: found by the handler all the same.
        assertTrue(ErrorReport.outOfMemory(new IllegalStateException(new dev.wafer.ports.data.DocumentMemoryError(
                "x:1", 5, "characters", new OutOfMemoryError("Java heap space"))))
                instanceof dev.wafer.ports.data.DocumentMemoryError);
    }

    /** The out-of-memory remedy names the running command's own flags (eval has no --micro-batch). */
    @Test
    void theOutOfMemoryRemedyFitsTheCommand() {
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
        assertTrue(ErrorReport.outOfMemoryLine(oom, "eval").contains("use a smaller --batch-tokens (default 512)"));
        assertTrue(ErrorReport.outOfMemoryLine(oom, "generate").contains("--max-tokens or a smaller model"));
        assertTrue(ErrorReport.outOfMemoryLine(oom, "memorization").contains("--batch (default 64)"));
        for (String command : new String[] {"eval", "generate", "memorization"}) {
            assertTrue(!ErrorReport.outOfMemoryLine(oom, command).contains("--micro-batch"), command);
        }
        assertTrue(ErrorReport.outOfMemoryLine(oom, "train").contains("--micro-batch"));
        CommandLine cli = WaferCommand.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(),
                BackendCatalog.of(List.of(FakeBackend.available("cpu"))));
        cli.parseArgs("eval", "--checkpoint", "x", "--tasks", "builtin");
        assertEquals("eval", ErrorReport.commandName(cli.getParseResult()));
        cli.parseArgs("data", "prepare", "--out", "x");
        assertEquals("prepare", ErrorReport.commandName(cli.getParseResult()));
    }
}
