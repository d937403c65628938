package dev.wafer.formats.checkpoint;

import java.nio.charset.StandardCharsets;

/** Constants and arithmetic of the checkpoint file layout (see the package documentation). */
final class CheckpointLayout {
    static final byte[] MAGIC = "WAFERCKP".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END_MARKER = "WAFEREND".getBytes(StandardCharsets.US_ASCII);
    /** Version 2: typed model and training sections. Version 1 (string-keyed sections) is still read. */
    static final int FORMAT_VERSION = 2;
    static final int PREAMBLE_BYTES = 24;
    /** 64 bytes: a cache line, and enough for any SIMD load or memory-mapped float view. */
    static final int ALIGNMENT = 64;
    /** A header this large is corruption, not a real tensor index; refuse before allocating it. */
    static final long MAX_HEADER_BYTES = 256L << 20;

    private CheckpointLayout() {
    }

    static long align(long offset) {
        return (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    static long dataStart(long headerBytes) {
        return align(PREAMBLE_BYTES + headerBytes);
    }

    static long footerBytes(int tensorCount) {
        return 4L * tensorCount + 4 + END_MARKER.length;
    }
}
