package dev.wafer.adapters.cuda;

/**
 * The cuBLAS and cuBLASLt a backend opened with some options needs (none with the built-in GEMM, no cuBLASLt without
 * the bias epilogue), loaded as {@link CudaGpu#open(CudaOptions)} loads them. {@link CudaBackendProbe} loads them the
 * same way, so that {@code wafer backends} calls a machine without cuBLAS unavailable exactly when a run would be
 * refused (until 2026-12-07 it said "available" with {@code cublas: absent}).
 *
 * @param cublas {@code null} for the built-in GEMM
 * @param lt     {@code null} without the bias epilogue
 */
record BlasLibraries(CublasApi cublas, CublasLtApi lt) {
    /**
     * Loads what {@code options} need under a driver of CUDA major {@code cudaMajor}.
     *
     * @throws CudaUnavailableException when one is missing or too old; its remedy also names the setting that runs
     *                                  without it
     */
    static BlasLibraries load(CudaOptions options, int cudaMajor) {
        if (options.builtinGemm()) {
            return new BlasLibraries(null, null);
        }
        CublasApi cublas;
        try {
            cublas = CublasApi.load(cudaMajor);
        } catch (CudaUnavailableException e) {
            throw new CudaUnavailableException(e.getMessage(), e.remedy() + ", or set " + CudaOptions.GEMM_VARIABLE
                    + "=builtin to run without it (the built-in GEMM and the baseline kernels, slower)");
        }
        if (!options.biasEpilogue()) {
            return new BlasLibraries(cublas, null);
        }
        try {
            return new BlasLibraries(cublas, CublasLtApi.load(cublas.soname()));
        } catch (CudaUnavailableException e) {
            throw new CudaUnavailableException(e.getMessage(), e.remedy() + ", or set "
                    + CudaOptions.BIAS_EPILOGUE_VARIABLE + "=0 to run without it (kernels add the biases)");
        }
    }
}
