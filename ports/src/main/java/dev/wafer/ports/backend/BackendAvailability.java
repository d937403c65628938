package dev.wafer.ports.backend;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

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
 * @param deviceMemoryBytes for a backend whose tensors live in device memory rather than the JVM heap,
 *     the device memory free for them when probed; empty for host backends (runs are then sized against the heap)
 * @param properties facts about the device for reports, in insertion order (for CUDA: {@code gpu},
 *     {@code compute_capability}, {@code sm_count}, {@code total_memory_bytes}, {@code driver}, {@code nvrtc},
 *     {@code cublas}); empty when there are none
 */
public record BackendAvailability(boolean available, String detail, String remedy, OptionalLong deviceMemoryBytes,
        Map<String, String> properties) {

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
        Objects.requireNonNull(deviceMemoryBytes, "deviceMemoryBytes");
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(properties, "properties")));
        if (deviceMemoryBytes.isPresent() && deviceMemoryBytes.getAsLong() < 0) {
            throw new IllegalArgumentException("device memory cannot be negative: " + deviceMemoryBytes);
        }
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

    /** An availability without device memory or properties (a host backend, or one that cannot run). */
    public BackendAvailability(boolean available, String detail, String remedy) {
        this(available, detail, remedy, OptionalLong.empty(), Map.of());
    }

    /**
     * A backend that can run here whose tensors live in device memory.
     *
     * @param detail what was found, e.g. {@code "driver 13.0, 1 device: NVIDIA H200"}
     * @param deviceMemoryBytes the device memory free for tensors
     * @param properties facts about the device for reports
     * @return an available result with an empty remedy
     */
    public static BackendAvailability availableDevice(String detail, long deviceMemoryBytes,
            Map<String, String> properties) {
        return new BackendAvailability(true, detail, "", OptionalLong.of(deviceMemoryBytes), properties);
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
