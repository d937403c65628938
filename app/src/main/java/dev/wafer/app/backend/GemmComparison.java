package dev.wafer.app.backend;

/**
 * {@code wafer bench --gemm}: the CPU adapter's Vector-API GEMM against its scalar GEMM on one square product, so
 * that the command line measures them without naming the adapter (the composition root binds
 * {@link CpuGemmComparison}).
 */
public interface GemmComparison {
    /**
     * One measured product.
     *
     * @param vectorGflops      the Vector-API GEMM's speed
     * @param scalarGflops      the scalar GEMM's speed
     * @param vectorDescription which vector kernel ran
     */
    record Result(double vectorGflops, double scalarGflops, String vectorDescription) {
        /** Vector over scalar. */
        public double speedup() {
            return vectorGflops / scalarGflops;
        }
    }

    /** The best of {@code repeats} runs of an {@code m x k} by {@code k x n} product on {@code threads} threads. */
    Result measure(int m, int n, int k, int threads, int repeats);
}
