package dev.wafer.ports.data;

/** Thrown when malformed input is fatal (the user asked to fail on it). The message names file and line. */
public final class MalformedInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The record that stopped reading. */
    private final transient MalformedRecord record;

    /** Carries the record that stopped reading; the message is its location and reason. */
    public MalformedInputException(MalformedRecord record) {
        super(record.toString());
        this.record = record;
    }

    /** The record that stopped reading. */
    public MalformedRecord record() {
        return record;
    }
}
