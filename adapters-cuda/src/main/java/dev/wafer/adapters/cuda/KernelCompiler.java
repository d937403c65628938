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
            int prebuilt = prebuiltArchitecture(device);
            if (prebuilt > 0) {
                return prebuilt;
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

    /** The newest architecture at or below {@code device} with a complete prebuilt set in the cache; -1 if none. */
    private int prebuiltArchitecture(int device) {
        for (int arch : KNOWN_ARCHITECTURES) {
            if (arch <= device && prebuiltComplete(arch)) {
                return arch;
            }
        }
        return -1;
    }

    private boolean prebuiltComplete(int arch) {
        for (String file : KernelSources.files()) {
            if (cache.loadAnyCompiler(file, KernelSources.read(file), arch).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** The options every kernel is compiled with: the architecture only (the kernels need no language option). */
    static List<String> options(int arch) {
        return List.of("--gpu-architecture=compute_" + arch);
    }

    /** The options of a CUBIN for the real architecture {@code sm_XY}. */
    static List<String> cubinOptions(int arch) {
        return List.of("--gpu-architecture=sm_" + arch);
    }

    /**
     * One way to get a loadable image of every kernel file; {@link CudaGpu} tries them in order.
     *
     * @param describe how the images are made, for reports: {@code cubin sm_90 by NVRTC 12.8}
     * @param images   the image of a kernel file (a CUBIN, or NUL-terminated PTX)
     */
    record KernelImages(String describe, java.util.function.Function<String, byte[]> images) {
        /** The image of {@code file}. */
        byte[] image(String file) {
            return images.apply(file);
        }
    }

    /**
     * The ways to load the kernels on a device of compute capability {@code major.minor}, best first: a CUBIN that
     * NVRTC compiles for the device's own architecture (no JIT, and it loads under any driver of NVRTC's major
     * version, where NVRTC's PTX needs a driver at least as new as NVRTC); then prebuilt PTX from the cache (made by
     * {@link PtxPrecompiler} with an older NVRTC, so any newer driver JIT-compiles it); then NVRTC's own PTX.
     *
     * @throws CudaUnavailableException when there is no way at all
     */
    List<KernelImages> candidates(int major, int minor) {
        int device = major * 10 + minor;
        List<KernelImages> ways = new java.util.ArrayList<>();
        List<String> problems = new java.util.ArrayList<>();
        boolean cubin;
        try {
            cubin = nvrtc != null && java.util.Arrays.stream(nvrtc.supportedArchitectures()).anyMatch(a -> a == device);
        } catch (RuntimeException e) {
            // An NVRTC that cannot list its architectures must not cost the prebuilt PTX its turn.
            cubin = false;
            problems.add("NVRTC could not list its architectures: " + e.getMessage());
        }
        if (cubin) {
            ways.add(new KernelImages("cubin sm_" + device + " by NVRTC " + NvrtcApi.versionText(nvrtcVersion),
                    file -> cubin(file, device)));
        }
        int prebuilt = prebuiltArchitecture(device);
        if (prebuilt > 0) {
            ways.add(new KernelImages("prebuilt PTX compute_" + prebuilt + " from " + cache.dir(),
                    file -> cache.loadAnyCompiler(file, KernelSources.read(file), prebuilt).orElseThrow(() ->
                            new CudaUnavailableException("no prebuilt PTX of " + file + " for compute_" + prebuilt
                                    + " in " + cache.dir(), NvrtcApi.REMEDY))));
        }
        int nvrtcArch = -1;
        if (nvrtc != null) {
            try {
                nvrtcArch = architectureFor(major, minor);
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        if (nvrtcArch > 0) {
            int arch = nvrtcArch;
            ways.add(new KernelImages("PTX compute_" + arch + " by NVRTC " + NvrtcApi.versionText(nvrtcVersion),
                    file -> ptx(file, arch)));
        }
        if (ways.isEmpty()) {
            if (!problems.isEmpty()) {
                throw new CudaUnavailableException(String.join("; ", problems), NvrtcApi.REMEDY + ", or set "
                        + CudaOptions.CACHE_VARIABLE + " to a directory of PTX prebuilt by PtxPrecompiler");
            }
            architectureFor(major, minor); // throws the message that says what is missing
        }
        return ways;
    }

    /** A CUBIN of kernel file {@code file} for {@code sm_<arch>}, from the cache or compiled now and cached. */
    byte[] cubin(String file, int arch) {
        String source = KernelSources.read(file);
        Path cached = cache.cubinFile(file, source, nvrtcVersion, arch);
        Optional<byte[]> hit = cache.loadBinary(cached);
        if (hit.isPresent()) {
            return hit.get();
        }
        byte[] cubin = nvrtc.compile(file, source, cubinOptions(arch), NvrtcApi.Output.CUBIN);
        cache.store(cached, cubin);
        return cubin;
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
