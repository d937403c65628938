package dev.wafer.ports.backend;

import java.util.Objects;

/**
 * Whether a backend can run here, what was found, and, when it cannot, what the user can do.
 *
 * <p>Texts are written to be joined into one line: {@code detail} and {@code remedy} are sentence
 * fragments without a trailing full stop, e.g. detail {@code "no OpenCL platform found"} and
 * remedy {@code "Install an OpenCL driver (e.g. Debian's pocl-opencl-icd)"}.
 *
 * @param available whether the backend can run on this machine
 * @param detail what was found when available (devices, versions), or why not when unavailable;
 *     never blank
 * @param remedy what the user can do to make the backend available; empty when available, never
 *     blank when unavailable
 */
public record BackendAvailability(boolean available, String detail, String remedy) {

    /**
     * Checks the invariants, so that an unavailable backend can never be reported without a reason
     * and a remedy.
     *
     * @throws NullPointerException if {@code detail} or {@code remedy} is null
     * @throws IllegalArgumentException if {@code detail} is blank, or if {@code remedy} is blank for
     *     an unavailable backend or non-empty for an available one
     */
    public BackendAvailability {
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(remedy, "remedy");
        if (detail.isBlank()) {
            throw new IllegalArgumentException("a backend's availability needs a detail");
        }
        if (!available && remedy.isBlank()) {
            throw new IllegalArgumentException("an unavailable backend needs a remedy: " + detail);
        }
        if (available && !remedy.isEmpty()) {
            throw new IllegalArgumentException("an available backend has nothing to remedy: " + remedy);
        }
    }

    /**
     * A backend that can run here.
     *
     * @param detail what was found, e.g. {@code "2 cores, 512-bit vectors"}
     * @return an available result with an empty remedy
     */
    public static BackendAvailability available(String detail) {
        return new BackendAvailability(true, detail, "");
    }

    /**
     * A backend that cannot run here.
     *
     * @param reason why not, e.g. {@code "no OpenCL platform found"}
     * @param remedy what to do, e.g. {@code "Install an OpenCL driver (e.g. Debian's pocl-opencl-icd)"}
     * @return an unavailable result
     */
    public static BackendAvailability unavailable(String reason, String remedy) {
        return new BackendAvailability(false, reason, remedy);
    }
}
