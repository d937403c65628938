package dev.wafer.adapters.cuda;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Compiles the kernel sources with NVRTC for one virtual architecture ({@code compute_XY}), through the
 * {@link PtxCache}. The architecture is the device's, or the newest NVRTC knows below it (the driver compiles
 * PTX of an older architecture for a newer device). Without NVRTC, the kernels come from PTX that
 * {@link PtxPrecompiler} put into the cache on another machine: the newest architecture at or below the device's
 * for which every kernel file of exactly this source is there.
 */
final class KernelCompiler {
    /** Architectures a prebuilt cache may hold, newest first. */
    private static final int[] KNOWN_ARCHITECTURES = {120, 100, 90, 89, 87, 86, 80, 75, 70};

    private final NvrtcApi nvrtc;
    private final PtxCache cache;
    private final int nvrtcVersion;

    /** @param nvrtc {@code null} for prebuilt PTX only */
    KernelCompiler(NvrtcApi nvrtc, PtxCache cache) {
        this.nvrtc = nvrtc;
        this.cache = cache;
        this.nvrtcVersion = nvrtc == null ? 0 : nvrtc.version();
    }

    /** The NVRTC version, encoded as {@code major * 1000 + minor * 10}; 0 without NVRTC. */
    int nvrtcVersion() {
        return nvrtcVersion;
    }

    /** Where the PTX comes from, for logs: {@code NVRTC 11.8} or {@code prebuilt PTX in DIR}. */
    String compilerText() {
        return nvrtc == null ? "prebuilt PTX in " + cache.dir() : "NVRTC " + NvrtcApi.versionText(nvrtcVersion);
    }

    /**
     * The architecture to compile for on a device of compute capability {@code major.minor}.
     *
     * @throws CudaUnavailableException when NVRTC knows no architecture at or below the device's, or, without
     *                                  NVRTC, no complete prebuilt set exists for one
     */
    int architectureFor(int major, int minor) {
        int device = major * 10 + minor;
        if (nvrtc == null) {
            for (int arch : KNOWN_ARCHITECTURES) {
                if (arch <= device && prebuiltComplete(arch)) {
                    return arch;
                }
            }
            throw new CudaUnavailableException("NVRTC not found (tried " + String.join(", ", NvrtcApi.SONAMES)
                    + ") and " + cache.dir() + " holds no compiled kernels of this version for compute capability "
                    + major + "." + minor, NvrtcApi.REMEDY + ", or fill " + CudaOptions.CACHE_VARIABLE
                    + " on a machine with NVRTC (PtxPrecompiler)");
        }
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

    private boolean prebuiltComplete(int arch) {
        for (String file : KernelSources.files()) {
            if (cache.loadAnyCompiler(file, KernelSources.read(file), arch).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** The options every kernel is compiled with. */
    static List<String> options(int arch) {
        return List.of("--gpu-architecture=compute_" + arch, "--std=c++14");
    }

    /** PTX (NUL-terminated) of kernel file {@code file}, from the cache or compiled now and cached. */
    byte[] ptx(String file, int arch) {
        String source = KernelSources.read(file);
        if (nvrtc == null) {
            return cache.loadAnyCompiler(file, source, arch).orElseThrow(() -> new CudaUnavailableException(
                    "no prebuilt PTX of " + file + " for compute_" + arch + " in " + cache.dir(), NvrtcApi.REMEDY));
        }
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
