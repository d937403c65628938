package dev.wafer.app.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import dev.wafer.adapters.cpu.CpuBackendProbe;
import dev.wafer.adapters.cuda.CudaBackendProbe;
import dev.wafer.adapters.opencl.OpenClBackendProbe;
import dev.wafer.ports.backend.BackendProbe;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendCatalogTest {

    @Test
    void standardCatalogListsCpuOpenClCuda() {
        assertEquals(List.of("cpu", "opencl", "cuda"), BackendCatalog.standard().names());
    }

    @Test
    void eachModuleBindsItsOwnAdaptersProbe() {
        List<Class<?>> expected = List.of(CpuBackendProbe.class, OpenClBackendProbe.class, CudaBackendProbe.class);
        List<BackendModule> modules = BackendCatalog.standard().all();
        for (int i = 0; i < modules.size(); i++) {
            BackendModule module = modules.get(i);
            BackendProbe bound = Guice.createInjector(module).getInstance(BackendProbe.class);
            assertInstanceOf(expected.get(i), bound);
            assertEquals(module.name(), bound.name());
            assertEquals(module.name(), module.probe().name());
        }
    }

    @Test
    void findIsExact() {
        BackendCatalog catalog = BackendCatalog.standard();
        assertTrue(catalog.find("cuda").isPresent());
        assertTrue(catalog.find("Cuda").isEmpty());
    }

    @Test
    void duplicateNamesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackendCatalog.of(List.of(FakeBackend.available("cpu"), FakeBackend.available("cpu"))));
        assertEquals("two backends are named 'cpu'", e.getMessage());
    }

    @Test
    void emptyCatalogIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> BackendCatalog.of(List.of()));
    }
}
