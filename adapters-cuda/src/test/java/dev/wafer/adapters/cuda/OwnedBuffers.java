package dev.wafer.adapters.cuda;

/**
 * The buffers a test {@link Gpu} owns on the backend's behalf: the token-id buffer of {@link Gpu#uploadIds} and the
 * scratch slots of {@link Gpu#scratch}, each grown (freed and allocated again) when a call needs more.
 */
final class OwnedBuffers {
    /** The slot of the id buffer, after the scratch slots. */
    static final int IDS = Gpu.SCRATCH_SLOTS;

    private final Gpu gpu;
    private final long[] pointers = new long[IDS + 1];
    private final long[] sizes = new long[IDS + 1];

    OwnedBuffers(Gpu gpu) {
        this.gpu = gpu;
    }

    /** The bytes slot {@code slot} holds now (0 before its first use). */
    long size(int slot) {
        return sizes[slot];
    }

    /** Slot {@code slot}'s buffer, at least {@code bytes} long. */
    long get(int slot, long bytes) {
        if (bytes > sizes[slot]) {
            if (pointers[slot] != 0) {
                gpu.free(pointers[slot]);
            }
            pointers[slot] = gpu.allocate(bytes);
            sizes[slot] = bytes;
        }
        return pointers[slot];
    }
}
