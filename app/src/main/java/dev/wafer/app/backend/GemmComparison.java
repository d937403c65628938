package dev.wafer.app.backend;

import java.util.Optional;

import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.OperandFormat;

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

    /**
     * The GEMM peak a training step on {@code backend} at {@code operands} can reach, measured now in this process.
     *
     * @param flopsPerSecond best-of-runs FLOP/s of the pure product
     * @param size           side of the square product
     * @param threads        threads it ran on (the backend's); 0 for a device, whose threads are not the host's
     * @param description    which GEMM ran
     */
    record Peak(double flopsPerSecond, int size, int threads, String description) {
        /** For reports: {@code 2048^3 on 2 threads, oneDNN ...} or {@code 8192^3, bf16 operands through ...}. */
        public String describe() {
            return size + "^3" + (threads > 0 ? " on " + threads + " threads" : "") + ", " + description;
        }
    }

    /**
     * The peak of the GEMM {@code backend}'s products at {@code operands} run on (a {@code size^3} product, best of
     * a few after warm-up; {@code wafer bench} asks for 2048^3 unless {@code --peak-size} says otherwise), or empty
     * for any other backend than the CPU (a device backend's peak is measured through its own matmul:
     * {@link dev.wafer.domain.profile.GemmPeak}).
     */
    Optional<Peak> peak(ComputeBackend backend, OperandFormat operands, int size);

    /** The best of {@code repeats} runs of an {@code m x k} by {@code k x n} product on {@code threads} threads. */
    Result measure(int m, int n, int k, int threads, int repeats);
}
