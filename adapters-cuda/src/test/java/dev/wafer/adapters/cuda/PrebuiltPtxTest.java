package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GPU machine without NVRTC runs kernels that {@link PtxPrecompiler} compiled elsewhere: the newest complete
 * architecture at or below the device's is chosen, and an incomplete or missing set is refused in one line.
 */
class PrebuiltPtxTest {
    @TempDir
    Path dir;

    @Test
    void precompiledKernelsOpenWithoutNvrtc() {
        CudaTestDevice.skipCompileOnlyCheck("precompiling every kernel for another machine");
        NvrtcTestCompiler.require();
        // The precompiler's own output (run once per test JVM and shared, PrecompiledPtx), then a copy of it here.
        List<Path> written = PrecompiledPtx.precompilerOutput();
        assertEquals(2 * KernelSources.files().size(), written.size());
        assertEquals(written.size(), PrecompiledPtx.into(dir, List.of(80, 90)).size());
        KernelCompiler prebuilt = new KernelCompiler(null, new PtxCache(dir));
        assertEquals(90, prebuilt.architectureFor(9, 0), "H100/H200");
        assertEquals(90, prebuilt.architectureFor(10, 0), "a newer device runs compute_90 PTX");
        assertEquals(80, prebuilt.architectureFor(8, 6), "an RTX 30xx runs compute_80 PTX");
        assertThrows(CudaUnavailableException.class, () -> prebuilt.architectureFor(7, 5));
        byte[] ptx = prebuilt.ptx("layernorm.cu", 90);
        assertTrue(new String(ptx, java.nio.charset.StandardCharsets.UTF_8).contains(".entry layernorm_forward"));
        assertTrue(prebuilt.compilerText().startsWith("prebuilt PTX in "));
    }

    @Test
    void anIncompleteSetIsRefused() throws Exception {
        CudaTestDevice.skipCompileOnlyCheck("precompiling every kernel for another machine");
        NvrtcTestCompiler.require();
        PrecompiledPtx.into(dir, List.of(90));
        try (var files = Files.list(dir)) {
            Files.delete(files.filter(p -> p.getFileName().toString().startsWith("attention-")).findFirst()
                    .orElseThrow());
        }
        KernelCompiler prebuilt = new KernelCompiler(null, new PtxCache(dir));
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> prebuilt.architectureFor(9, 0));
        assertTrue(e.getMessage().startsWith("NVRTC not found"), e.getMessage());
        assertTrue(e.remedy().contains("PtxPrecompiler"), e.remedy());
    }

    @Test
    void anEmptyOrMissingCacheIsRefused() {
        KernelCompiler prebuilt = new KernelCompiler(null, new PtxCache(dir.resolve("none")));
        assertThrows(CudaUnavailableException.class, () -> prebuilt.architectureFor(9, 0));
        assertThrows(IllegalArgumentException.class, () -> PtxPrecompiler.main(new String[] {"only-a-dir"}));
        assertThrows(IllegalArgumentException.class, () -> PtxPrecompiler.main(new String[] {"d", "sm90"}));
    }
}
