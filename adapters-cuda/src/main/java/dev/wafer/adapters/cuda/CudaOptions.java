package dev.wafer.adapters.cuda;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

/**
 * How the CUDA backend is opened: the device, whether cuBLAS may use TF32 for float32 products, and where compiled
 * PTX is cached.
 *
 * @param device   which CUDA device to open (ordinals count after {@code CUDA_VISIBLE_DEVICES})
 * @param tf32     whether float32 GEMMs may round their inputs to TF32 on tensor cores (faster, about 1e-3 relative
 *                 error, outside the fp32 contract tolerances); off by default
 * @param cacheDir the PTX cache directory
 * @param builtinGemm whether float32 GEMMs use the built-in tiled kernel instead of cuBLAS (for machines with
 *                 the driver but no cuBLAS; slower); off by default, when cuBLAS is required
 * @param biasEpilogue whether the fast kernels add a float32 output's bias in its product's epilogue (cuBLASLt); on
 *                 by default, off to time the bias kernels against it ({@link #BIAS_EPILOGUE_VARIABLE})
 */
public record CudaOptions(DevicePlacement device, boolean tf32, Path cacheDir, boolean builtinGemm,
                          boolean baselineKernels, boolean fusedAttention, boolean biasEpilogue) {
    /** Options with the bias epilogue. */
    public CudaOptions(DevicePlacement device, boolean tf32, Path cacheDir, boolean builtinGemm,
            boolean baselineKernels, boolean fusedAttention) {
        this(device, tf32, cacheDir, builtinGemm, baselineKernels, fusedAttention, true);
    }

    /** Options for device {@code device}. */
    public CudaOptions(int device, boolean tf32, Path cacheDir, boolean builtinGemm, boolean baselineKernels,
            boolean fusedAttention) {
        this(DevicePlacement.ordinal(device), tf32, cacheDir, builtinGemm, baselineKernels, fusedAttention);
    }

    /** Options with fused attention wherever the fast kernels run. */
    public CudaOptions(int device, boolean tf32, Path cacheDir, boolean builtinGemm, boolean baselineKernels) {
        this(device, tf32, cacheDir, builtinGemm, baselineKernels, !baselineKernels);
    }

    /**
     * {@code fast} (default): attention as batched cuBLAS GEMMs with warp-per-row softmax kernels, and in bf16 runs
     * the fused attention ({@code FUSED_ATTENTION}, {@link FusedCudaAttention}); 16-bit GEMMs on tensor cores.
     * {@code fast-unfused}: the same without the fused attention (bf16 runs save the probabilities), so that a fault
     * in the fused kernels cannot cost a run the other fast kernels. {@code baseline}: the first kernels (one thread
     * per attention row, 16-bit operands rounded and multiplied by the float32 SGEMM), kept so that a fault in the
     * fast ones cannot cost a run its figures.
     */
    public static final String KERNELS_VARIABLE = "WAFER_CUDA_KERNELS";
    /**
     * Turns TF32 on when {@code 1}, {@code on}, {@code true} or {@code yes} (any case); {@code 0}, {@code off},
     * {@code false}, {@code no}, unset or blank keep it off; anything else is refused.
     */
    public static final String TF32_VARIABLE = "WAFER_CUDA_TF32";
    /** The PTX cache directory; default {@code ~/.cache/wafer/cuda}. */
    public static final String CACHE_VARIABLE = "WAFER_CUDA_CACHE";
    /** {@code builtin} for the built-in GEMM kernel instead of cuBLAS; default {@code cublas}. */
    public static final String GEMM_VARIABLE = "WAFER_CUDA_GEMM";
    /**
     * {@code 0} adds every linear layer's bias with a kernel instead of cuBLASLt's epilogue (to time the one against
     * the other on a GPU); default {@code 1}.
     */
    public static final String BIAS_EPILOGUE_VARIABLE = "WAFER_CUDA_BIAS_EPILOGUE";
    /** The device ordinal; default 0, or the local rank's device under a launcher ({@link DevicePlacement}). */
    public static final String DEVICE_VARIABLE = "WAFER_CUDA_DEVICE";
    /** CUDA's own variable: the devices this process sees (a launcher may bind one to each rank). */
    static final String VISIBLE_DEVICES_VARIABLE = "CUDA_VISIBLE_DEVICES";

    /**
     * Reads {@link #TF32_VARIABLE}, {@link #CACHE_VARIABLE}, {@link #GEMM_VARIABLE}, {@link #KERNELS_VARIABLE},
     * {@link #BIAS_EPILOGUE_VARIABLE} and {@link #DEVICE_VARIABLE}.
     */
    public static CudaOptions fromEnvironment(Map<String, String> env) {
        Path dir = cacheDirectory(env.get(CACHE_VARIABLE));
        String device = env.getOrDefault(DEVICE_VARIABLE, "").strip();
        OptionalInt ordinal = OptionalInt.empty();
        if (!device.isEmpty()) {
            try {
                ordinal = OptionalInt.of(Integer.parseInt(device));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(DEVICE_VARIABLE + ": expected a device ordinal such as 0, found '"
                        + device + "'");
            }
        }
        String visible = env.get(VISIBLE_DEVICES_VARIABLE);
        DevicePlacement placement = new DevicePlacement(ordinal, 0, 1, visible != null && !visible.isBlank());
        String gemm = env.getOrDefault(GEMM_VARIABLE, "cublas").strip();
        if (!gemm.equals("cublas") && !gemm.equals("builtin")) {
            throw new IllegalArgumentException(GEMM_VARIABLE + ": expected cublas or builtin, found '" + gemm + "'");
        }
        String kernels = env.getOrDefault(KERNELS_VARIABLE, "fast").strip();
        if (!kernels.equals("fast") && !kernels.equals("fast-unfused") && !kernels.equals("baseline")) {
            throw new IllegalArgumentException(KERNELS_VARIABLE + ": expected fast, fast-unfused or baseline, found '"
                    + kernels + "'");
        }
        if (gemm.equals("builtin") && !kernels.equals("baseline") && env.containsKey(KERNELS_VARIABLE)) {
            // Asked for outright, the fast kernels are not swapped for the baseline unsaid.
            throw new IllegalArgumentException(KERNELS_VARIABLE + "=" + kernels + " needs cuBLAS, but " + GEMM_VARIABLE
                    + "=builtin runs without it: set " + KERNELS_VARIABLE + " to baseline or unset it, or unset "
                    + GEMM_VARIABLE);
        }
        String epilogue = env.getOrDefault(BIAS_EPILOGUE_VARIABLE, "1").strip();
        if (!epilogue.equals("0") && !epilogue.equals("1")) {
            throw new IllegalArgumentException(BIAS_EPILOGUE_VARIABLE + ": expected 1 (cuBLASLt's epilogue adds the"
                    + " bias) or 0 (a kernel does), found '" + epilogue + "'");
        }
        // The built-in GEMM means no cuBLAS, which the fast kernels need: baseline kernels then.
        boolean baseline = kernels.equals("baseline") || gemm.equals("builtin");
        return new CudaOptions(placement, tf32(env.get(TF32_VARIABLE)), dir, gemm.equals("builtin"), baseline,
                !baseline && kernels.equals("fast"), epilogue.equals("1"));
    }

    /**
     * {@link #TF32_VARIABLE} as the launcher reads its switches: 1, on, true or yes, 0, off, false or no, in any case;
     * unset or blank is off. Anything else is refused (until 2026-12-07 only "1" turned it on, "yes" silently off).
     */
    private static boolean tf32(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(java.util.Locale.ROOT);
        return switch (v) {
            case "1", "on", "true", "yes" -> true;
            case "", "0", "off", "false", "no" -> false;
            default -> throw new IllegalArgumentException(TF32_VARIABLE + ": expected 1, on, true or yes to turn TF32"
                    + " on, 0, off, false or no to keep it off, found '" + value.strip() + "'");
        };
    }

    /**
     * {@link #CACHE_VARIABLE}'s directory (default {@code ~/.cache/wafer/cuda}): refused when it, or the nearest part
     * of it that exists, is not a directory, since the cache would silently keep nothing (the cache itself skips
     * what it cannot write).
     */
    private static Path cacheDirectory(String cache) {
        if (cache == null || cache.isBlank()) {
            return Path.of(System.getProperty("user.home"), ".cache", "wafer", "cuda");
        }
        Path dir = Path.of(cache);
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (java.nio.file.Files.exists(p)) {
                if (!java.nio.file.Files.isDirectory(p)) {
                    throw new IllegalArgumentException(CACHE_VARIABLE + ": expected a directory (created if missing),"
                            + " found a file: " + p);
                }
                break;
            }
        }
        return dir;
    }

    /** The defaults, with the process environment's overrides. */
    public static CudaOptions fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** Options with cuBLAS for the GEMMs and the fast kernels. */
    public CudaOptions(int device, boolean tf32, Path cacheDir) {
        this(device, tf32, cacheDir, false);
    }

    /** Options with the fast kernels unless the built-in GEMM (no cuBLAS) is asked for. */
    public CudaOptions(int device, boolean tf32, Path cacheDir, boolean builtinGemm) {
        this(device, tf32, cacheDir, builtinGemm, builtinGemm);
    }

    /** {@code fast}, {@code fast-unfused} or {@code baseline}, for reports (the values of {@link #KERNELS_VARIABLE}). */
    public String kernels() {
        return baselineKernels ? "baseline" : fusedAttention ? "fast" : "fast-unfused";
    }

    public CudaOptions {
        if (fusedAttention && baselineKernels) {
            throw new IllegalArgumentException("fused attention is one of the fast CUDA kernels, not of "
                    + KERNELS_VARIABLE + "=baseline");
        }
        if (builtinGemm && !baselineKernels) {
            throw new IllegalArgumentException("the fast CUDA kernels need cuBLAS: " + GEMM_VARIABLE
                    + "=builtin goes with " + KERNELS_VARIABLE + "=baseline");
        }
        java.util.Objects.requireNonNull(device, "device");
    }

    /** These options for rank {@code localRank} of the {@code localRanks} ranks of a job on this machine. */
    public CudaOptions onLocalRank(int localRank, int localRanks) {
        return new CudaOptions(device.onLocalRank(localRank, localRanks), tf32, cacheDir, builtinGemm,
                baselineKernels, fusedAttention, biasEpilogue);
    }
}
