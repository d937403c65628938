package dev.wafer.ports.compute;

/**
 * The device under a {@link ComputeBackend} failed while it was running: a kernel launch, a copy or a library call
 * returned an error, or device memory ran out. Not the user's input, and not a broken precondition inside Wafer: a
 * fact of the device (a faulting kernel, a device error, memory another process took), which a command reports in
 * one line naming the call and the device's error. Backends whose device calls can fail throw it or a subclass.
 */
public class DeviceFailureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The backend's name. */
    private final String backend;
    /** Whether the device ran out of memory. */
    private final boolean outOfMemory;

    /**
     * Carries the failing backend's name, the one-line message and whether the device ran out of memory.
     *
     * @param backend     the backend's name, e.g. {@code cuda}
     * @param message     one line naming the call and the device's error
     * @param outOfMemory whether the device ran out of memory (a smaller run may fit)
     */
    public DeviceFailureException(String backend, String message, boolean outOfMemory) {
        super(message);
        this.backend = backend;
        this.outOfMemory = outOfMemory;
    }

    /** The backend whose device failed. */
    public String backend() {
        return backend;
    }

    /** Whether the device ran out of memory. */
    public boolean outOfMemory() {
        return outOfMemory;
    }
}
