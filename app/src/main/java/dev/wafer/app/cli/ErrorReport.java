package dev.wafer.app.cli;

import dev.wafer.app.backend.BackendUnavailableException;
import dev.wafer.app.cluster.ClusterUnavailableException;
import dev.wafer.formats.input.InvalidInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import dev.wafer.domain.data.prepare.RankFailedException;
import dev.wafer.ports.compute.DeviceFailureException;
import dev.wafer.ports.data.UnreadableInputException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception thrown by a command into what the user sees and the exit code. Only exceptions whose type says
 * "the user's input is wrong" ({@link UserError}, {@link InvalidInputException}) become the one-line usage error;
 * anything else, a plain {@link IllegalArgumentException} included, is a bug and is reported as one, with its trace,
 * so that a broken precondition inside Wafer never reads like a typo on the command line.
 */
final class ErrorReport implements CommandLine.IExecutionExceptionHandler {
    private final PrintWriter err;

    ErrorReport(PrintWriter err) {
        this.err = err;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        if (ex instanceof Preempted p) {
            return p.exitCode();
        }
        OutOfMemoryError oom = outOfMemory(ex);
        if (oom != null) {
            err.println("prepare".equals(commandLine.getCommandName()) ? prepareOutOfMemoryLine(oom)
                    : outOfMemoryLine(oom, commandLine.getCommandName()));
            return WaferCommand.OUT_OF_MEMORY;
        }
        if (ex instanceof UserError || ex instanceof InvalidInputException) {
            err.println("wafer: " + ex.getMessage());
            return WaferCommand.USAGE_ERROR;
        }
        if (ex instanceof BackendUnavailableException || ex instanceof ClusterUnavailableException) {
            err.println("wafer: " + ex.getMessage());
            return WaferCommand.BACKEND_UNAVAILABLE;
        }
        if (ex instanceof dev.wafer.ports.checkpoint.CheckpointException c) {
            // Writing a checkpoint failed in the operating system (a full disk): 74, as any I/O failure; a file that
            // is not a usable checkpoint is the user's input: 2.
            err.println("wafer: " + c.getMessage());
            return c.problem() == dev.wafer.ports.checkpoint.CheckpointException.Problem.IO ? WaferCommand.IO_ERROR
                    : WaferCommand.USAGE_ERROR;
        }
        if (ex instanceof DeviceFailureException d) {
            err.println(deviceFailureLine(d));
            return d.outOfMemory() ? WaferCommand.OUT_OF_MEMORY : WaferCommand.DEVICE_FAILED;
        }
        if (ex instanceof RankFailedException) {
            err.println("wafer: " + ex.getMessage());
            return WaferCommand.IO_ERROR;
        }
        if (ex instanceof WriteFailure) {
            err.println("wafer: " + ex.getMessage());
            return WaferCommand.IO_ERROR;
        }
        if (ex instanceof UnreadableInputException) {
            // Its message names the input and the reason, also when it comes from another rank as text.
            err.println("wafer: " + ex.getMessage());
            return WaferCommand.IO_ERROR;
        }
        if (ex instanceof IOException || ex instanceof UncheckedIOException) {
            // A full disk or an unreadable file is a fact of the machine: one line, but not a usage error.
            Throwable io = ex instanceof UncheckedIOException u ? u.getCause() : ex;
            err.println(ioErrorLine(io));
            return WaferCommand.IO_ERROR;
        }
        err.println("wafer: internal error (this is a bug in wafer; please report it with the trace below): " + ex);
        ex.printStackTrace(err);
        err.flush();
        return WaferCommand.INTERNAL_ERROR;
    }

    /**
     * One line for an I/O failure no command put in its own words: the file as the user knows it (not a temporary
     * file beside it) and the operating system's reason, not an exception's class name ("I/O error on
     * /data/ro/ds: permission denied"; "I/O error: no space left on device" when no file is named).
     */
    static String ioErrorLine(Throwable io) {
        java.nio.file.Path file = dev.wafer.formats.fileio.IoReason.file(io);
        String reason = dev.wafer.formats.fileio.IoReason.of(io);
        return file == null ? "wafer: I/O error: " + reason : "wafer: I/O error on " + file + ": " + reason;
    }

    /**
     * One line for a device that failed mid-run: what failed, in the device library's words, and what to try. No
     * trace: the call and the device's error are the whole story, and the Java frames above them say nothing more.
     */
    static String deviceFailureLine(DeviceFailureException d) {
        String what = "wafer: the " + d.backend() + " device failed: " + d.getMessage();
        if (d.outOfMemory()) {
            return what + "; its memory ran out (another process may hold some): use a smaller --micro-batch or a"
                    + " smaller model, or free the device";
        }
        if (d.backend().equals("cuda")) {
            return what + "; a kernel that faults or a device error (the system log names Xid errors);"
                    + " WAFER_CUDA_KERNELS=baseline runs the first kernels, --backend cpu runs without the device";
        }
        return what + "; --backend cpu runs without the device";
    }

    /** The out-of-memory error behind {@code t} (worker threads wrap it), or null. */
    static OutOfMemoryError outOfMemory(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof OutOfMemoryError oom) {
                return oom;
            }
        }
        return null;
    }

    /**
     * The out-of-memory line of {@code data prepare}: its memory is the shuffle bucket (no model, no micro-batch), or
     * one document too large for the heap, which it names.
     */
    static String prepareOutOfMemoryLine(OutOfMemoryError oom) {
        if (oom instanceof dev.wafer.ports.data.DocumentMemoryError d) {
            // One document is held whole (bytes, text, tokens): no bucket size lowers that floor.
            return "wafer: out of memory (" + oom.getMessage() + ") with a heap of "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MiB while reading and tokenising one document, "
                    + d.location() + (d.size() >= 0 ? String.format(java.util.Locale.ROOT, " (%,d %s)", d.size(),
                    d.unit()) : " (its size is not known: the heap ran out while reading it)") + "; a document is"
                    + " held whole (its bytes, its text and its tokens, several times its size), so the largest"
                    + " document sets a memory floor that --bucket-mb does not lower: give a larger heap"
                    + " (WAFER_JAVA_OPTS=-Xmx...) or split the document";
        }
        return "wafer: out of memory (" + oom.getMessage() + ") with a heap of "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB; packing holds one shuffle bucket's tokens in"
                + " memory: use a smaller --bucket-mb (default 64), or a larger heap (WAFER_JAVA_OPTS=-Xmx...)";
    }

    /** One line for an out-of-memory error of a training command, with the heap size and the remedies. */
    static String outOfMemoryLine(OutOfMemoryError oom) {
        return outOfMemoryLine(oom, "train");
    }

    /**
     * One line for an out-of-memory error, with the heap size and the remedies of {@code command} (the name of the
     * subcommand that ran): only flags that command has.
     */
    static String outOfMemoryLine(OutOfMemoryError oom, String command) {
        String remedy = switch (command == null ? "" : command) {
            case "eval" -> "use a smaller --batch-tokens (default 512), a smaller model";
            case "generate" -> "use a smaller --max-tokens or a smaller model";
            case "memorization" -> "use a smaller --batch (default 64), a smaller model";
            case "import-hf", "export-hf" -> "convert a smaller model";
            default -> "use a smaller --micro-batch, a smaller model";
        };
        return "wafer: out of memory (" + oom.getMessage() + ") with a heap of "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB; " + remedy
                + ", or a larger heap (WAFER_JAVA_OPTS=-Xmx...)";
    }

    /** The name of the innermost subcommand a parse reached ({@code eval}, {@code prepare}), or null before one. */
    static String commandName(ParseResult parsed) {
        if (parsed == null) {
            return null;
        }
        ParseResult p = parsed;
        while (p.subcommand() != null) {
            p = p.subcommand();
        }
        return p == parsed ? null : p.commandSpec().name();
    }
}
