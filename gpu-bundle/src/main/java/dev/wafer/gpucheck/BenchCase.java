package dev.wafer.gpucheck;

import java.util.List;

/**
 * One timed shape: passed to {@code wafer bench} and to the PyTorch baseline alike.
 *
 * @param label    how the report names it
 * @param required whether a refusal fails the check (fp32 on CUDA must run; bf16 may be absent)
 * @param profile  run {@code wafer bench --profile}: every kernel timed, the device waited for around each call
 * @param peakSize {@code --peak-size} of a device backend's GEMM peak; 0 for the bench's default (8192)
 * @param warmup   untimed steps before the timed ones, for Wafer and PyTorch alike
 * @param biasKernels run with {@code WAFER_CUDA_BIAS_EPILOGUE=0}: the linear layers' biases added by kernels, not in
 *                 cuBLASLt's epilogue
 */
record BenchCase(String label, String backend, int dModel, int layers, int heads, int seq, int batch, int vocab,
        int steps, String precision, boolean required, boolean profile, int peakSize, int warmup,
        boolean biasKernels) {

    /**
     * Warm-up steps on a GPU, for both sides: the developers' guide gives PyTorch 4 (its caching allocator, cuBLAS's
     * first heuristics, lazy module loading), and Wafer gets the same, so that its host code has been through the JIT
     * compiler's tiers too. A few seconds at the 111M shape.
     */
    static final int GPU_WARMUP = 4;

    /** What {@link #profiled()}, {@link #unfused()} and {@link #withBiasKernels()} add to a case's label. */
    static final String PROFILED = " profiled";
    static final String UNFUSED = " unfused attention";
    static final String BIAS_KERNELS = " bias kernels";

    /** The CUDA backend's switch for the bias epilogue ({@code 0}: kernels add the biases). */
    static final String BIAS_EPILOGUE_ENV = "WAFER_CUDA_BIAS_EPILOGUE";

    /** The rehearsal's GEMM peak: a product the CUDA simulator computes in well under a second. */
    static final int REHEARSAL_PEAK_SIZE = 64;

    BenchCase(String label, String backend, int dModel, int layers, int heads, int seq, int batch, int vocab,
              int steps, String precision, boolean required) {
        this(label, backend, dModel, layers, heads, seq, batch, vocab, steps, precision, required, false, 0, 1,
                false);
    }

    private BenchCase rehearsed() {
        return new BenchCase(label, backend, dModel, layers, heads, seq, batch, vocab, steps, precision, required,
                profile, REHEARSAL_PEAK_SIZE, warmup, biasKernels);
    }

    private BenchCase warmedUp(int steps) {
        return new BenchCase(label, backend, dModel, layers, heads, seq, batch, vocab, this.steps, precision, required,
                profile, peakSize, steps, biasKernels);
    }

    /**
     * This shape once more with {@code --profile}, never required: where a step's time goes on the device, kernel by
     * kernel (serialised by the waits, so its tokens/s is not the bench's).
     */
    BenchCase profiled() {
        return new BenchCase(label + PROFILED, backend, dModel, layers, heads, seq, batch, vocab, steps, precision,
                false, true, peakSize, warmup, biasKernels);
    }

    /**
     * The shapes to profile, in order: the longest bf16 one, where the 40% model-FLOP utilisation is measured
     * (111M at seq 2048 x batch 8 on a GPU), then the longest fp32 one, where Wafer is held against PyTorch eager fp32;
     * each precision that has a case.
     */
    static List<BenchCase> toProfile(List<BenchCase> cases) {
        List<BenchCase> out = new java.util.ArrayList<>();
        for (boolean bf16 : new boolean[] {true, false}) {
            cases.stream().filter(c -> c.bf16() == bf16).max(java.util.Comparator.comparingInt(BenchCase::seq))
                    .ifPresent(out::add);
        }
        return out;
    }

    /** The CUDA case of the longest sequence in bf16 (or fp32): the one the reruns repeat. */
    static java.util.Optional<BenchCase> longestOnCuda(List<BenchCase> cases, boolean bf16) {
        return cases.stream().filter(c -> c.bf16() == bf16 && c.backend().equals("cuda"))
                .max(java.util.Comparator.comparingInt(BenchCase::seq));
    }

    /**
     * This shape once more without the fused attention ({@code WAFER_CUDA_KERNELS=fast-unfused}), never required: what
     * the fused attention changes, measured in the same run.
     */
    BenchCase unfused() {
        return new BenchCase(label + UNFUSED, backend, dModel, layers, heads, seq, batch, vocab, steps,
                precision, false, false, peakSize, warmup, biasKernels);
    }

    /**
     * This shape once more with the linear layers' biases added by kernels ({@code WAFER_CUDA_BIAS_EPILOGUE=0}), never
     * required: what cuBLASLt's bias epilogue changes, measured in the same run.
     */
    BenchCase withBiasKernels() {
        return new BenchCase(label + BIAS_KERNELS, backend, dModel, layers, heads, seq, batch, vocab, steps,
                precision, false, false, peakSize, warmup, true);
    }

    /** The 111M shape of Table 1 at the two sizes, fp32 and bf16, on CUDA. */
    static List<BenchCase> gpu() {
        return List.of(
                new BenchCase("111M seq512 batch4 fp32", "cuda", 768, 10, 12, 512, 4, 50257, 5, "fp32", true),
                new BenchCase("111M seq2048 batch8 fp32", "cuda", 768, 10, 12, 2048, 8, 50257, 5, "fp32", true),
                new BenchCase("111M seq512 batch4 bf16", "cuda", 768, 10, 12, 512, 4, 50257, 5, "bf16", false),
                new BenchCase("111M seq2048 batch8 bf16", "cuda", 768, 10, 12, 2048, 8, 50257, 5, "bf16", false))
                .stream().map(c -> c.warmedUp(GPU_WARMUP)).toList();
    }

    /**
     * Stand-ins of {@link #gpu()} for the rehearsal without a GPU: the same four roles, tiny, on {@code backend} (the
     * CPU, or CUDA on the stand-in libraries).
     */
    static List<BenchCase> rehearsal(String backend) {
        String on = " (" + backend + ")";
        return List.of(
                new BenchCase("rehearsal seq32 batch2 fp32" + on, backend, 64, 2, 2, 32, 2, 256, 2, "fp32", true),
                new BenchCase("rehearsal seq64 batch2 fp32" + on, backend, 64, 2, 2, 64, 2, 256, 2, "fp32", true),
                new BenchCase("rehearsal seq32 batch2 bf16" + on, backend, 64, 2, 2, 32, 2, 256, 2, "bf16", false),
                new BenchCase("rehearsal seq64 batch2 bf16" + on, backend, 64, 2, 2, 64, 2, 256, 2, "bf16", false))
                .stream().map(BenchCase::rehearsed).toList();
    }

    /** A small CPU run: proves the bundled runtime starts the CLI and trains, in seconds. */
    static List<BenchCase> cpuPart() {
        return List.of(new BenchCase("tiny cpu fp32", "cpu", 64, 2, 2, 32, 2, 256, 2, "fp32", true));
    }

    boolean bf16() {
        return precision.equals("bf16");
    }

    /** The {@code wafer bench} arguments for this case. */
    List<String> waferArguments() {
        List<String> args = new java.util.ArrayList<>(List.of("bench", "--json", "--backend=" + backend,
                "--d-model=" + dModel, "--layers=" + layers, "--heads=" + heads, "--seq=" + seq, "--batch=" + batch,
                "--vocab=" + vocab, "--steps=" + steps, "--warmup=" + warmup, "--precision=" + precision));
        if (profile) {
            args.add("--profile");
        }
        if (peakSize > 0) {
            args.add("--peak-size=" + peakSize);
        }
        return List.copyOf(args);
    }

    /** The positional arguments of bench_torch_cuda.py (and of its stand-in). */
    List<String> torchArguments() {
        return List.of(String.valueOf(dModel), String.valueOf(layers), String.valueOf(heads), String.valueOf(seq),
                String.valueOf(batch), String.valueOf(vocab), String.valueOf(steps), precision, "--warmup=" + warmup);
    }
}
