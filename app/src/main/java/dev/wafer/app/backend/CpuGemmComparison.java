package dev.wafer.app.backend;

import java.util.Optional;

import dev.wafer.adapters.cpu.CpuBackend;
import dev.wafer.adapters.cpu.GemmBenchmark;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.OperandFormat;

/** {@link GemmComparison} by the CPU adapter's {@link GemmBenchmark}. */
public final class CpuGemmComparison implements GemmComparison {
    /** Timed runs of the peak product after its two warm-up runs. */
    private static final int PEAK_REPEATS = 10;

    @Override
    public Result measure(int m, int n, int k, int threads, int repeats) {
        GemmBenchmark.Result r = GemmBenchmark.measure(m, n, k, threads, repeats);
        return new Result(r.vectorGflops(), r.scalarGflops(), r.vectorDescription());
    }

    @Override
    public Optional<Peak> peak(ComputeBackend backend, OperandFormat operands, int size) {
        if (!(backend instanceof CpuBackend cpu)) {
            return Optional.empty();
        }
        GemmBenchmark.Peak p = GemmBenchmark.peak(cpu, operands, size, PEAK_REPEATS);
        return Optional.of(new Peak(p.flopsPerSecond(), p.size(), p.threads(), p.description()));
    }
}
