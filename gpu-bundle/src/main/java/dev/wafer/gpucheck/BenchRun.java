package dev.wafer.gpucheck;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** One {@code wafer bench} in a child JVM, with the kernel variant it used. */
record BenchRun(BenchCase benchCase, String variant, ProcessRun run, ResultLine line, double bf16PeakFlops)
        implements Recorded {

    static BenchRun run(Children children, BenchCase c, String variant, Map<String, String> env, Duration budget,
            double bf16PeakFlops) {
        Map<String, String> childEnv = new HashMap<>(env);
        childEnv.put(GpuCheck.KERNELS_ENV, variant);
        if (c.biasKernels()) {
            childEnv.put(BenchCase.BIAS_EPILOGUE_ENV, "0");
        }
        ProcessRun run = ProcessRun.of(children.wafer(c.waferArguments()), childEnv, budget);
        return new BenchRun(c, variant, run, ResultLine.lastOf(run.output()), bf16PeakFlops);
    }

    boolean ok() {
        return Outcome.status(run, line).equals(Report.OK);
    }

    @Override
    public String record(ObjectNode phase) {
        phase.put("case", benchCase.label()).put("backend", benchCase.backend())
                .put("precision", benchCase.precision()).put("seq", benchCase.seq()).put("batch", benchCase.batch())
                .put("required", benchCase.required());
        phase.put("kernel_variant", variant); // WAFER_CUDA_KERNELS as the child had it (only cuda reads it)
        if (benchCase.biasKernels()) {
            phase.put("bias_epilogue", false); // WAFER_CUDA_BIAS_EPILOGUE=0 for this child
        }
        Outcome.record(phase, "wafer", run, line);
        if (benchCase.bf16() && benchCase.backend().equals("cuda")) {
            line.number("model_flops_per_s").ifPresent(f -> phase.put("fraction_of_bf16_peak", f / bf16PeakFlops));
        }
        return Outcome.status(run, line);
    }

    /**
     * e.g. {@code 111M seq2048 batch8 fp32 81234 tok/s (fast, 41% of GEMM peak)} or {@code ... FAILED}; the share is
     * of the GEMM peak the bench measured in the same process (its {@code share_of_peak}).
     */
    String summary() {
        java.util.List<String> notes = new java.util.ArrayList<>();
        if (benchCase.backend().equals("cuda")) {
            notes.add(variant);
        }
        line.number("share_of_peak").ifPresent(f -> notes.add(Math.round(100 * f) + "% of GEMM peak"));
        line.text("peak_gemm_error").ifPresent(e -> notes.add("GEMM peak check FAILED"));
        String said = notes.isEmpty() ? "" : " (" + String.join(", ", notes) + ")";
        return benchCase.label() + " " + line.number("tokens_per_s").filter(x -> ok())
                .map(t -> Math.round(t) + " tok/s" + said)
                .orElse(benchCase.required() ? "FAILED" : "absent");
    }
}
