package dev.wafer.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.ports.backend.BackendAvailability;
import org.junit.jupiter.api.Test;

class CpuBackendProbeTest {

    @Test
    void withoutTheVectorApiModuleTheVectorKernelsAreUnavailableWithTheFlagToAdd() {
        BackendAvailability missing = new CpuBackendProbe(2, true, false, "").probe();
        assertFalse(missing.available());
        assertEquals(CpuBackend.VECTOR_API_MISSING, missing.detail());
        assertEquals(CpuBackendProbe.VECTOR_API_REMEDY, missing.remedy());
        assertTrue(missing.remedy().contains("--add-modules jdk.incubator.vector"), missing.remedy());
        assertEquals(CpuBackendProbe.VECTOR_API_REMEDY + ", or set KERNELS=scalar to run the scalar kernels anyway",
                new CpuBackendProbe(2, true, false, "KERNELS=scalar").probe().remedy());
        BackendAvailability scalar = new CpuBackendProbe(2, false, false, "").probe();
        assertTrue(scalar.available(), scalar.detail());
        assertTrue(scalar.detail().endsWith(", scalar kernels (no Vector API)"), scalar.detail());
        assertFalse(new CpuBackendProbe(2, true, true, "").probe().detail().contains("scalar"));
    }

    @Test
    void isAvailableWithTheModuleAndNamedCpu() {
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
