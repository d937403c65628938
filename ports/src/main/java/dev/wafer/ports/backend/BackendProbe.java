package dev.wafer.ports.backend;

/**
 * A compute backend's self-report: its name and whether it can run on this machine.
 *
 * <p>Probing must not throw and must not leave anything open: a backend that cannot run says so
 * through {@link BackendAvailability#unavailable(String, String)} rather than failing at class
 * load or at first use. Probing may be slow (loading native libraries, enumerating devices), so
 * callers probe once and keep the answer.
 */
public interface BackendProbe {

    /**
     * The backend's name as users type it, e.g. {@code cpu}, {@code opencl}, {@code cuda}.
     *
     * @return a short lower-case name, never empty
     */
    String name();

    /**
     * Finds out whether this backend can run here.
     *
     * @return the answer, with what was found (devices, versions) or why it cannot run and what
     *     to do about it; never {@code null}
     */
    BackendAvailability probe();
}
