package dev.wafer.app.backend;

import dev.wafer.ports.backend.BackendAvailability;

/**
 * The memory a run's tensors are sized against: the free memory of the device for a backend whose tensors live
 * there ({@link BackendAvailability#deviceMemoryBytes()}), else the JVM heap. Decided once at start-up from the
 * selected backend's probe, so that the dry run and the real run size a run the same way.
 *
 * @param bytes  the memory available to tensors
 * @param where  what it is, for messages: {@code JVM heap} or {@code free device memory of NVIDIA H200}
 * @param device whether it is device memory (one process per device: not shared among local ranks)
 */
public record MemoryBudget(long bytes, String where, boolean device) {

    /** The JVM heap ({@code -Xmx}): for host backends and commands that open none. */
    public static MemoryBudget heap() {
        return new MemoryBudget(Runtime.getRuntime().maxMemory(), "JVM heap", false);
    }

    /** The device memory the probe found, or the heap for a host backend. */
    public static MemoryBudget of(BackendAvailability availability) {
        if (availability.deviceMemoryBytes().isEmpty()) {
            return heap();
        }
        String gpu = availability.properties().get("gpu");
        return new MemoryBudget(availability.deviceMemoryBytes().getAsLong(),
                "free device memory" + (gpu == null || gpu.isBlank() ? "" : " of " + gpu), true);
    }

    /**
     * What a user can do when a run with a micro-batch of {@code micro} does not fit: a smaller micro-batch only
     * where there is one (at 1 the advice to lower it could not be followed).
     */
    public String remedy(int micro) {
        String smaller = micro > 1 ? "a smaller --micro-batch or " : "a smaller ";
        return device ? "use " + smaller + "model, or free device memory (nvidia-smi shows its users)"
                : micro > 1 ? "use a smaller --micro-batch or a larger heap (WAFER_JAVA_OPTS=-Xmx...)"
                : "use a larger heap (WAFER_JAVA_OPTS=-Xmx...)";
    }
}
