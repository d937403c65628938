package dev.wafer.formats.data;

import dev.wafer.formats.input.InvalidInputException;

/** A token shard whose header or payload is wrong; the message names the file and the field. */
public final class InvalidShardException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    public InvalidShardException(String message) {
        super(message);
    }
}
