package dev.wafer.adapters.cuda;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Compiles the kernel sources with NVRTC for one virtual architecture ({@code compute_XY}), through the
 * {@link PtxCache}. The architecture is the device's, or the newest NVRTC knows below it (the driver compiles
 * PTX of an older architecture for a newer device).
 */
final class KernelCompiler {
    private final NvrtcApi nvrtc;
    private final PtxCache cache;
    private final int nvrtcVersion;

    KernelCompiler(NvrtcApi nvrtc, PtxCache cache) {
        this.nvrtc = nvrtc;
        this.cache = cache;
        this.nvrtcVersion = nvrtc.version();
    }

    /** The NVRTC version, encoded as {@code major * 1000 + minor * 10}. */
    int nvrtcVersion() {
        return nvrtcVersion;
    }

    /**
     * The architecture to compile for on a device of compute capability {@code major.minor}.
     *
     * @throws CudaUnavailableException when NVRTC knows no architecture at or below the device's
     */
    int architectureFor(int major, int minor) {
        int device = major * 10 + minor;
        int best = -1;
        for (int arch : nvrtc.supportedArchitectures()) {
            if (arch <= device && arch > best) {
                best = arch;
            }
        }
        if (best < 0) {
            throw new CudaUnavailableException("NVRTC " + NvrtcApi.versionText(nvrtcVersion)
                    + " cannot compile for compute capability " + major + "." + minor, NvrtcApi.REMEDY);
        }
        return best;
    }

    /** The options every kernel is compiled with. */
    static List<String> options(int arch) {
        return List.of("--gpu-architecture=compute_" + arch, "--std=c++14");
    }

    /** PTX (NUL-terminated) of kernel file {@code file}, from the cache or compiled now and cached. */
    byte[] ptx(String file, int arch) {
        String source = KernelSources.read(file);
        Path cached = cache.file(file, source, nvrtcVersion, arch);
        Optional<byte[]> hit = cache.load(cached);
        if (hit.isPresent()) {
            return hit.get();
        }
        byte[] ptx = nvrtc.compile(file, source, options(arch));
        cache.store(cached, ptx);
        return ptx;
    }
}
