package dev.wafer.app.train;

import dev.wafer.adapters.cpu.CpuBackend;
import dev.wafer.ports.compute.ComputeBackend;

/** Opens a compute backend by its CLI name. The caller closes it. */
public final class Backends {
    private Backends() {
    }

    /** @throws IllegalArgumentException for an unknown name */
    public static ComputeBackend open(String name) {
        return switch (name) {
            case "cpu" -> CpuBackend.open();
            case "cpu-scalar" -> new CpuBackend(Runtime.getRuntime().availableProcessors(), false);
            default -> throw new IllegalArgumentException("unknown backend '" + name + "'; available: cpu, cpu-scalar");
        };
    }
}
