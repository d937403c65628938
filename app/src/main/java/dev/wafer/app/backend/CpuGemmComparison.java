package dev.wafer.app.backend;

import dev.wafer.adapters.cpu.GemmBenchmark;

/** {@link GemmComparison} by the CPU adapter's {@link GemmBenchmark}. */
public final class CpuGemmComparison implements GemmComparison {
    @Override
    public Result measure(int m, int n, int k, int threads, int repeats) {
        GemmBenchmark.Result r = GemmBenchmark.measure(m, n, k, threads, repeats);
        return new Result(r.vectorGflops(), r.scalarGflops(), r.vectorDescription());
    }
}
