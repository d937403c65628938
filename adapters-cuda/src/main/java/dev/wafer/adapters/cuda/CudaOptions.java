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
 */
public record CudaOptions(int device, boolean tf32, Path cacheDir) {
    /** Turns TF32 on when {@code 1}. */
    public static final String TF32_VARIABLE = "WAFER_CUDA_TF32";
    /** The PTX cache directory; default {@code ~/.cache/wafer/cuda}. */
    public static final String CACHE_VARIABLE = "WAFER_CUDA_CACHE";
    /** The device ordinal; default 0. */
    public static final String DEVICE_VARIABLE = "WAFER_CUDA_DEVICE";

    /** Reads {@link #TF32_VARIABLE}, {@link #CACHE_VARIABLE} and {@link #DEVICE_VARIABLE} from {@code env}. */
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
        return new CudaOptions(ordinal, "1".equals(env.get(TF32_VARIABLE)), dir);
    }

    /** The defaults, with the process environment's overrides. */
    public static CudaOptions fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    public CudaOptions {
        if (device < 0) {
            throw new IllegalArgumentException(DEVICE_VARIABLE + ": expected a device ordinal of 0 or more, found "
                    + device);
        }
    }
}
