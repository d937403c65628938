package dev.wafer.adapters.cuda;

/**
 * The CUDA backend cannot start here: a library is missing or too old, or no device can be used. The message
 * says what is wrong in one line; {@link #remedy()} says what to do about it.
 */
public final class CudaUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String remedy;

    /**
     * @param detail what is wrong, e.g. {@code "libnvrtc.so not found (tried libnvrtc.so.13, ...)"}
     * @param remedy what to do about it
     */
    public CudaUnavailableException(String detail, String remedy) {
        super(detail);
        this.remedy = remedy;
    }

    /** What the user can do, e.g. "Install the CUDA toolkit's NVRTC (apt-get install libnvrtc11.2)". */
    public String remedy() {
        return remedy;
    }
}
