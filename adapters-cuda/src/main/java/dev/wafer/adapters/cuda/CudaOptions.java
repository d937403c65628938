package dev.wafer.adapters.cuda;

import java.nio.file.Path;
import java.util.Map;

/**
 * How the CUDA backend is opened: the device, whether cuBLAS may use TF32 for float32 products, and where compiled
 * PTX is cached.
 *
 * @param device   the CUDA device ordinal (after {@code CUDA_VISIBLE_DEVICES})
 * @param tf32     whether float32 GEMMs may round their inputs to TF32 on tensor cores (faster, about 1e-3 relative
 *                 error, outside the fp32 contract tolerances); off by default
 * @param cacheDir the PTX cache directory
 * @param builtinGemm whether float32 GEMMs use the built-in tiled kernel instead of cuBLAS (for machines with
 *                 the driver but no cuBLAS; slower); off by default, when cuBLAS is required
 */
public record CudaOptions(int device, boolean tf32, Path cacheDir, boolean builtinGemm) {
    /** Turns TF32 on when {@code 1}. */
    public static final String TF32_VARIABLE = "WAFER_CUDA_TF32";
    /** The PTX cache directory; default {@code ~/.cache/wafer/cuda}. */
    public static final String CACHE_VARIABLE = "WAFER_CUDA_CACHE";
    /** {@code builtin} for the built-in GEMM kernel instead of cuBLAS; default {@code cublas}. */
    public static final String GEMM_VARIABLE = "WAFER_CUDA_GEMM";
    /** The device ordinal; default 0. */
    public static final String DEVICE_VARIABLE = "WAFER_CUDA_DEVICE";

    /** Reads {@link #TF32_VARIABLE}, {@link #CACHE_VARIABLE}, {@link #GEMM_VARIABLE} and {@link #DEVICE_VARIABLE}. */
    public static CudaOptions fromEnvironment(Map<String, String> env) {
        String cache = env.get(CACHE_VARIABLE);
        Path dir = cache == null || cache.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "wafer", "cuda")
                : Path.of(cache);
        String device = env.getOrDefault(DEVICE_VARIABLE, "0").strip();
        int ordinal;
        try {
            ordinal = Integer.parseInt(device);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(DEVICE_VARIABLE + ": expected a device ordinal such as 0, found '"
                    + device + "'");
        }
        String gemm = env.getOrDefault(GEMM_VARIABLE, "cublas").strip();
        if (!gemm.equals("cublas") && !gemm.equals("builtin")) {
            throw new IllegalArgumentException(GEMM_VARIABLE + ": expected cublas or builtin, found '" + gemm + "'");
        }
        return new CudaOptions(ordinal, "1".equals(env.get(TF32_VARIABLE)), dir, gemm.equals("builtin"));
    }

    /** The defaults, with the process environment's overrides. */
    public static CudaOptions fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** Options with cuBLAS for the GEMMs. */
    public CudaOptions(int device, boolean tf32, Path cacheDir) {
        this(device, tf32, cacheDir, false);
    }

    public CudaOptions {
        if (device < 0) {
            throw new IllegalArgumentException(DEVICE_VARIABLE + ": expected a device ordinal of 0 or more, found "
                    + device);
        }
    }
}
