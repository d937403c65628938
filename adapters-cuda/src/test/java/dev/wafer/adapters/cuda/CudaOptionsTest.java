package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code WAFER_CUDA_*} variables: every value is read or refused naming the variable, none silently ignored. */
class CudaOptionsTest {
    @TempDir
    Path tmp;

    private static CudaOptions read(String name, String value) {
        return CudaOptions.fromEnvironment(Map.of(name, value));
    }

    /** Until 2026-12-07 only "1" turned TF32 on; "yes", "true" and "on" silently left it off. */
    @Test
    void tf32TakesTheLaunchersSpellingsInAnyCase() {
        for (String on : new String[] {"1", "on", "true", "yes", "YES", "True", " On "}) {
            assertTrue(read(CudaOptions.TF32_VARIABLE, on).tf32(), on);
        }
        for (String off : new String[] {"0", "off", "false", "no", "NO", "False", "", " "}) {
            assertFalse(read(CudaOptions.TF32_VARIABLE, off).tf32(), off);
        }
        assertFalse(CudaOptions.fromEnvironment(Map.of()).tf32(), "off by default");
    }

    @Test
    void anyOtherTf32ValueIsRefusedNamingTheVariable() {
        for (String bad : new String[] {"2", "enable", "y", "tf32"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> read(CudaOptions.TF32_VARIABLE, bad));
            assertEquals("WAFER_CUDA_TF32: expected 1, on, true or yes to turn TF32 on, 0, off, false or no to keep it"
                    + " off, found '" + bad + "'", e.getMessage());
        }
    }

    /** Until 2026-12-07 a regular file as the cache trained with nothing cached and no word said. */
    @Test
    void aCacheThatIsAFileIsRefused() throws Exception {
        Path file = Files.writeString(tmp.resolve("afile"), "x");
        for (Path bad : new Path[] {file, file.resolve("below")}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> read(CudaOptions.CACHE_VARIABLE, bad.toString()));
            assertEquals("WAFER_CUDA_CACHE: expected a directory (created if missing), found a file: " + file,
                    e.getMessage());
        }
        Path missing = tmp.resolve("not yet").resolve("cache");
        assertEquals(missing, read(CudaOptions.CACHE_VARIABLE, missing.toString()).cacheDir(), "created when used");
        assertEquals(tmp, read(CudaOptions.CACHE_VARIABLE, tmp.toString()).cacheDir());
    }

    /** Until 2026-12-07 WAFER_CUDA_GEMM=builtin silently ran the baseline kernels over an explicit fast choice. */
    @Test
    void theBuiltinGemmRefusesExplicitFastKernels() {
        for (String fast : new String[] {"fast", "fast-unfused"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CudaOptions.fromEnvironment(Map.of(CudaOptions.GEMM_VARIABLE, "builtin",
                            CudaOptions.KERNELS_VARIABLE, fast)));
            assertEquals("WAFER_CUDA_KERNELS=" + fast + " needs cuBLAS, but WAFER_CUDA_GEMM=builtin runs without it:"
                    + " set WAFER_CUDA_KERNELS to baseline or unset it, or unset WAFER_CUDA_GEMM", e.getMessage());
        }
        assertEquals("baseline", read(CudaOptions.GEMM_VARIABLE, "builtin").kernels(), "unset: the baseline");
        assertEquals("baseline", CudaOptions.fromEnvironment(Map.of(CudaOptions.GEMM_VARIABLE, "builtin",
                CudaOptions.KERNELS_VARIABLE, "baseline")).kernels());
    }
}
