package dev.wafer.app.cli;

import dev.wafer.formats.fileio.IoReason;

/**
 * Writing an output failed in the operating system (a full disk, a file size limit, a read-only folder): one line
 * naming the user's path and the reason, exit 74 like any I/O failure, not 2, since the command itself was right.
 */
final class WriteFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private WriteFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * @param what the flag and path the user gave ({@code --out hf}), or the file written
     * @param cause the failure; its reason is what the operating system said
     */
    static WriteFailure of(String what, Throwable cause) {
        return new WriteFailure("cannot write " + what + ": " + IoReason.of(cause), cause);
    }
}
