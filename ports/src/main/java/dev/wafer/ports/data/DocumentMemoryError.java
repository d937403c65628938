package dev.wafer.ports.data;

/**
 * The heap ran out while one document was read or tokenised: a document is held whole (its bytes, its text, its
 * tokens), so the largest document sets a memory floor that no buffer setting lowers. It names the document, and
 * its size where the reader knew it, so the user sees which input needs the heap.
 */
public final class DocumentMemoryError extends OutOfMemoryError {
    private static final long serialVersionUID = 1L;

    /** Where the document is, e.g. {@code data/big.jsonl.zst:1}. */
    private final String location;
    /** The document's size in bytes (or chars, as {@link #unit}), or -1 when it was not known. */
    private final long size;
    /** What {@link #size} counts: "bytes" or "characters". */
    private final String unit;

    /**
     * Wraps the heap's error with the document it struck.
     *
     * @param location where the document is, e.g. {@code data/big.jsonl.zst:1}
     * @param size     its size in {@code unit}, or -1 when not known (the heap ran out while reading it)
     * @param unit     what {@code size} counts: "bytes" or "characters"
     * @param cause    the heap's own error
     */
    public DocumentMemoryError(String location, long size, String unit, OutOfMemoryError cause) {
        super(cause.getMessage());
        initCause(cause);
        this.location = location;
        this.size = size;
        this.unit = unit;
    }

    /** Where the document is. */
    public String location() {
        return location;
    }

    /** The document's size in {@link #unit()}, or -1 when it was not known. */
    public long size() {
        return size;
    }

    /** What {@link #size()} counts. */
    public String unit() {
        return unit;
    }
}
