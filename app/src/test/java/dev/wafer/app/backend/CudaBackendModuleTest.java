package dev.wafer.app.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.inject.Guice;
import dev.wafer.adapters.cuda.CudaBackendProbe;
import dev.wafer.adapters.cuda.CudaOptions;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.ComputeBackendFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CUDA module opens the real backend where a GPU is, and refuses in one line where none is. */
class CudaBackendModuleTest {
    @TempDir
    Path cache;

    private ComputeBackendFactory factory() {
        return Guice.createInjector(new CudaBackendModule(() -> new CudaOptions(0, false, cache)))
                .getInstance(ComputeBackendFactory.class);
    }

    @Test
    void withoutAGpuOpeningIsRefusedInOneLine() {
        assumeFalse(new CudaBackendProbe().probe().available(), "this machine has a GPU");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, factory()::open);
        assertTrue(e.getMessage().startsWith("backend 'cuda' is unavailable: "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" or choose --backend cpu."), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    /** Reports said "backend 'cuda' stores float32 tensors only", untrue of its fast kernels. */
    @Test
    void theFloat32NoteNamesTheBaselineKernelsAndWhyTheyRun() {
        assertEquals("", note(java.util.Map.of()), "the fast kernels store bf16");
        assertEquals("the baseline CUDA kernels that WAFER_CUDA_KERNELS=baseline chooses store float32 tensors only",
                note(java.util.Map.of(CudaOptions.KERNELS_VARIABLE, "baseline")));
        assertEquals("the baseline CUDA kernels that WAFER_CUDA_GEMM=builtin runs store float32 tensors only",
                note(java.util.Map.of(CudaOptions.GEMM_VARIABLE, "builtin")));
    }

    private static String note(java.util.Map<String, String> env) {
        return Guice.createInjector(new CudaBackendModule(env)).getInstance(ComputeBackendFactory.class)
                .float32StorageNote();
    }

    @Test
    void onAGpuTheRealBackendOpens() {
        assumeTrue(new CudaBackendProbe().probe().available(), "no GPU here");
        try (ComputeBackend backend = factory().open()) {
            assertEquals("cuda", backend.name());
        }
    }
}
