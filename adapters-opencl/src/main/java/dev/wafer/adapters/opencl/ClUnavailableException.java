package dev.wafer.adapters.opencl;

/**
 * No usable OpenCL device: no platform is installed, or none matches the configured selection. The message says
 * which, and lists the platforms and devices that do exist.
 */
public final class ClUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what was asked for and what exists */
    public ClUnavailableException(String message) {
        super(message);
    }

    /** @param message what was asked for and what exists; @param cause the failure behind it */
    public ClUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
