package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PTX cache's key, its round trip, and that a cache that cannot be written is no error. */
class PtxCacheTest {
    @TempDir
    Path dir;

    @Test
    void theKeyChangesWithSourceNvrtcVersionAndArchitecture() {
        PtxCache cache = new PtxCache(dir);
        Path f = cache.file("layernorm.cu", "a", 11080, 90);
        assertTrue(f.getFileName().toString().startsWith("layernorm-"), f.toString());
        assertTrue(f.getFileName().toString().endsWith("-nvrtc11.8-compute_90.ptx"), f.toString());
        assertNotEquals(f, cache.file("layernorm.cu", "b", 11080, 90));
        assertNotEquals(f, cache.file("layernorm.cu", "a", 12080, 90));
        assertNotEquals(f, cache.file("layernorm.cu", "a", 11080, 80));
    }

    @Test
    void storesAndLoadsNulTerminatedPtx() {
        PtxCache cache = new PtxCache(dir.resolve("sub"));
        Path f = cache.file("x.cu", "src", 11080, 80);
        assertTrue(cache.load(f).isEmpty());
        byte[] ptx = {'.', 'v', 0};
        cache.store(f, ptx);
        assertArrayEquals(ptx, cache.load(f).orElseThrow());
    }

    @Test
    void aTruncatedFileIsAMiss() throws IOException {
        PtxCache cache = new PtxCache(dir);
        Path f = cache.file("x.cu", "src", 11080, 80);
        Files.write(f, new byte[] {'.', 'v'});
        assertTrue(cache.load(f).isEmpty());
    }

    @Test
    void anUnwritableCacheIsSkipped() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        PtxCache cache = new PtxCache(file.resolve("cache"));
        Path f = cache.file("x.cu", "src", 11080, 80);
        cache.store(f, new byte[] {'.', 0});
        assertTrue(cache.load(f).isEmpty());
    }

    @Test
    void optionsComeFromTheEnvironment() {
        CudaOptions o = CudaOptions.fromEnvironment(Map.of("WAFER_CUDA_CACHE", dir.toString(), "WAFER_CUDA_TF32", "1",
                "WAFER_CUDA_DEVICE", "1"));
        assertEquals(new CudaOptions(1, true, dir), o);
        CudaOptions d = CudaOptions.fromEnvironment(Map.of());
        assertEquals(false, d.tf32());
        assertEquals(Path.of(System.getProperty("user.home"), ".cache", "wafer", "cuda"), d.cacheDir());
    }
}
