package dev.wafer.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.ports.backend.BackendAvailability;
import org.junit.jupiter.api.Test;

class CpuBackendProbeTest {

    @Test
    void isAlwaysAvailableAndNamedCpu() {
        CpuBackendProbe probe = new CpuBackendProbe();
        BackendAvailability availability = probe.probe();
        assertEquals("cpu", probe.name());
        assertTrue(availability.available());
        assertTrue(availability.detail().startsWith(Runtime.getRuntime().availableProcessors() + " core"),
                availability.detail());
    }

    @Test
    void countsCoresInTheDetail() {
        assertTrue(new CpuBackendProbe(1).probe().detail().startsWith("1 core ("));
        assertTrue(new CpuBackendProbe(2).probe().detail().startsWith("2 cores ("));
    }
}
