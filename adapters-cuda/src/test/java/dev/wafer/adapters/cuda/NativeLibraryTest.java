package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which library versions are tried first ({@link NativeLibrary#preferringMajor}): under a CUDA 12 driver the 12s
 * before the 13s, which would load but not run there; under 13 or an unknown driver the order as given (newest
 * first); {@code .so.N.M} names count as major N, and an unversioned name goes after the ones the driver runs.
 * Pure logic on no stand-in, so the GPU check's test phase runs it too.
 */
class NativeLibraryTest {
    @Test
    void librariesOfAMajorTheDriverRunsComeFirst() {
        List<String> nvrtc = NvrtcApi.SONAMES;
        assertEquals(List.of("libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"), nvrtc);
        assertEquals(nvrtc, NativeLibrary.preferringMajor(nvrtc, 13));
        assertEquals(nvrtc, NativeLibrary.preferringMajor(nvrtc, 0), "unknown driver: as given");
        assertEquals(List.of("libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so.13", "libnvrtc.so"),
                NativeLibrary.preferringMajor(nvrtc, 12));
        assertEquals(List.of("libnvrtc.so.11.2", "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"),
                NativeLibrary.preferringMajor(nvrtc, 11));
        assertEquals(List.of("libcublas.so.12", "libcublas.so.11", "libcublas.so.13"),
                NativeLibrary.preferringMajor(CublasApi.SONAMES, 12));
        assertEquals(CublasApi.SONAMES, NativeLibrary.preferringMajor(CublasApi.SONAMES, 14), "a newer driver");
    }
}
