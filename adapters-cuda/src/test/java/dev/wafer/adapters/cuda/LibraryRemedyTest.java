package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A missing NVRTC or cuBLAS (or cuBLASLt, refused with cuBLAS's remedy) is refused with a remedy that names, for each CUDA major whose libraries the
 * backend loads first (13, then 12), the pip wheel that carries the library and the folder it installs it into,
 * which is what goes on {@code LD_LIBRARY_PATH} (and what {@code ./wafer} and the GPU check's launcher add, matching
 * {@code site-packages/nvidia/*}{@code /lib}). Until 2026-12-07 the remedies named only CUDA 12's wheels
 * ({@code nvidia-cuda-nvrtc-cu12}, {@code nvidia-cublas-cu12}) and no folder, where CUDA 13's wheels have no suffix
 * and put everything in {@code nvidia/cu13/lib}. Pure logic, so the GPU check's test phase runs it too.
 */
class LibraryRemedyTest {
    /** One wheel: its name on PyPI and the folder under site-packages that holds the library. */
    private record Wheel(String name, String folder) {
    }

    /** The wheels by CUDA major, as the wheels themselves lay out their files. */
    private static final Map<String, Map<Integer, Wheel>> WHEELS = Map.of(
            "NVRTC", Map.of(13, new Wheel("nvidia-cuda-nvrtc", "site-packages/nvidia/cu13/lib"),
                    12, new Wheel("nvidia-cuda-nvrtc-cu12", "site-packages/nvidia/cuda_nvrtc/lib")),
            "cuBLAS", Map.of(13, new Wheel("nvidia-cublas", "site-packages/nvidia/cu13/lib"),
                    12, new Wheel("nvidia-cublas-cu12", "site-packages/nvidia/cublas/lib")));

    /** What the launchers add to the loader's path: {@code site-packages/nvidia/*}{@code /lib}. */
    private static final Pattern LAUNCHER_GLOB = Pattern.compile("site-packages/nvidia/[^/]+/lib");

    @Test
    void eachMissingLibraryNamesTheWheelsOfTheMajorsItLoadsAndTheirFolders() {
        // cuBLASLt ships in cuBLAS's wheel and folder, and CublasLtApi.load refuses it with cuBLAS's remedy.
        Map<String, CudaUnavailableException> refusals = Map.of(
                "NVRTC", refused("NVRTC", NvrtcApi.REMEDY),
                "cuBLAS", refused("cuBLAS", CublasApi.REMEDY));
        for (var e : refusals.entrySet()) {
            String library = e.getKey();
            String remedy = e.getValue().remedy();
            assertEquals(1, remedy.lines().count(), remedy);
            assertTrue(remedy.contains("LD_LIBRARY_PATH"), remedy);
            for (var w : WHEELS.get(library).entrySet()) {
                Wheel wheel = w.getValue();
                // The name as a whole word: "nvidia-cublas" must not be found only inside "nvidia-cublas-cu12".
                assertTrue(Pattern.compile(Pattern.quote(wheel.name()) + "(?![-\\w])").matcher(remedy).find(),
                        () -> e.getKey() + ": CUDA " + w.getKey() + "'s wheel " + wheel.name() + " unnamed: " + remedy);
                assertTrue(remedy.contains(wheel.folder()), () -> e.getKey() + ": " + wheel.name() + "'s folder "
                        + wheel.folder() + " unnamed: " + remedy);
                assertTrue(LAUNCHER_GLOB.matcher(wheel.folder()).matches(), wheel.folder());
            }
        }
        // The majors named are those the backend tries first.
        assertEquals(List.of("libnvrtc.so.13", "libnvrtc.so.12"), NvrtcApi.SONAMES.subList(0, 2));
        assertEquals(List.of("libcublas.so.13", "libcublas.so.12"), CublasApi.SONAMES.subList(0, 2));
    }

    /** What opening {@code library} gives where none of its sonames is installed. */
    private static CudaUnavailableException refused(String library, String remedy) {
        return assertThrows(CudaUnavailableException.class,
                () -> NativeLibrary.open(library, List.of("libwafer-missing-" + library + ".so.99"), remedy));
    }
}
