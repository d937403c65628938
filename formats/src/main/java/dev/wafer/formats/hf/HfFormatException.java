package dev.wafer.formats.hf;

/** A Hugging Face file or directory cannot be used; the message names the file and the offending field or tensor. */
public final class HfFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HfFormatException(String message) {
        super(message);
    }

    public HfFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
