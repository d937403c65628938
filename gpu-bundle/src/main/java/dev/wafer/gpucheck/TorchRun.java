package dev.wafer.gpucheck;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The PyTorch anchor for one shape: bench_torch_cuda.py, eager or torch.compile. In the rehearsal, where this machine
 * has no GPU, it runs on PyTorch's CPU device, or, without PyTorch 2.0 or later, a stand-in script whose figures the
 * report labels as not PyTorch's.
 *
 * @param standIn why the stand-in ran instead of PyTorch; empty when PyTorch itself ran
 */
record TorchRun(BenchCase benchCase, boolean compile, String standIn, ProcessRun run, ResultLine line)
        implements Recorded {

    /** Exit code of bench_torch_cuda.py when python3 cannot import torch, or its torch is older than 2.0. */
    static final int NO_TORCH = 4;

    /**
     * @param standInScript the stand-in to run when torch is absent (rehearsal only), or null
     * @param device        {@code cuda}, or {@code cpu} in the rehearsal
     */
    static TorchRun run(Path script, Path standInScript, String device, BenchCase c, boolean compile,
            Map<String, String> env, Duration budget) {
        long start = System.nanoTime();
        List<String> arguments = new ArrayList<>(c.torchArguments());
        arguments.add("--device=" + device);
        if (compile) {
            arguments.add("--compile");
        }
        ProcessRun run = ProcessRun.of(Children.python(script, arguments), env, budget);
        if (run.exitCode() == NO_TORCH && standInScript != null) {
            Duration left = budget.minus(Duration.ofNanos(System.nanoTime() - start));
            ProcessRun standIn = ProcessRun.of(Children.python(standInScript, arguments), env, left);
            return new TorchRun(c, compile, "python3 has no usable torch here: " + run.lastLine(), standIn,
                    ResultLine.lastOf(standIn.output()));
        }
        return new TorchRun(c, compile, "", run, ResultLine.lastOf(run.output()));
    }

    boolean ok() {
        return Outcome.status(run, line).equals(Report.OK);
    }

    String anchor() {
        return compile ? "pytorch torch.compile" : "pytorch eager";
    }

    @Override
    public String record(ObjectNode phase) {
        phase.put("case", benchCase.label()).put("precision", benchCase.precision()).put("anchor", anchor());
        phase.put("stand_in", !standIn.isEmpty());
        if (!standIn.isEmpty()) {
            phase.put("stand_in_reason", standIn + "; these figures are a stand-in's, not PyTorch's");
        }
        Outcome.record(phase, "torch", run, line);
        return Outcome.status(run, line);
    }

    /** e.g. {@code torch 111M seq2048 batch8 bf16 91234 tok/s}. */
    String summary() {
        String what = (standIn.isEmpty() ? "" : "stand-in ") + (compile ? "torch.compile " : "torch ");
        return what + benchCase.label() + " " + line.number("tokens_per_s").filter(x -> ok())
                .map(t -> Math.round(t) + " tok/s").orElse(Outcome.status(run, line));
    }
}
