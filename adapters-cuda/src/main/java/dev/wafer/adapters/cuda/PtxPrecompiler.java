package dev.wafer.adapters.cuda;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills a PTX cache directory with every kernel compiled for the given architectures, on a machine with NVRTC and
 * no GPU, so that a GPU machine without NVRTC runs the kernels from it ({@code WAFER_CUDA_CACHE=DIR}); its driver
 * compiles the PTX for the device. Usage: {@code java -cp ... dev.wafer.adapters.cuda.PtxPrecompiler DIR 80 90}.
 */
public final class PtxPrecompiler {
    private PtxPrecompiler() {
    }

    /**
     * Compiles every kernel file for each architecture into {@code dir}.
     *
     * @return the cache files written (or already there)
     * @throws CudaUnavailableException when NVRTC is missing
     */
    public static List<Path> precompile(Path dir, List<Integer> architectures) {
        NvrtcApi nvrtc = NvrtcApi.load();
        PtxCache cache = new PtxCache(dir);
        KernelCompiler compiler = new KernelCompiler(nvrtc, cache);
        List<Path> files = new ArrayList<>();
        for (int arch : architectures) {
            for (String file : KernelSources.files()) {
                compiler.ptx(file, arch);
                Path written = cache.file(file, KernelSources.read(file), compiler.nvrtcVersion(), arch);
                if (cache.load(written).isEmpty()) {
                    throw new IllegalStateException("could not write " + written);
                }
                files.add(written);
            }
        }
        return files;
    }

    /**
     * {@code DIR ARCH...}, e.g. {@code /opt/wafer/ptx 80 90}.
     *
     * @throws IllegalArgumentException on a wrong command line
     */
    public static void main(String[] args) {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: PtxPrecompiler DIR ARCH... (e.g. /tmp/ptx 80 90)");
        }
        List<Integer> archs = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            try {
                archs.add(Integer.parseInt(args[i]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("architecture: expected a number such as 90, found '" + args[i]
                        + "'");
            }
        }
        precompile(Path.of(args[0]), archs);
    }
}
