package dev.wafer.app.cli;

import dev.wafer.domain.session.TrainableModel;
import dev.wafer.domain.session.MemoryEstimate;
import dev.wafer.domain.session.ModelAssembly;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.wafer.app.backend.GemmComparison;
import dev.wafer.formats.tokens.SyntheticTokenSource;
import dev.wafer.domain.model.ModelPrecision;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.precision.GradientScaler;
import dev.wafer.domain.session.Precision;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.train.LearningRateSchedule;
import dev.wafer.domain.train.Trainer;
import dev.wafer.domain.train.TrainerSettings;
import dev.wafer.domain.profile.KernelProfile;
import dev.wafer.domain.profile.ProfilingBackend;
import dev.wafer.domain.scaling.FlopCount;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.ComputeBackendFactory;
import jakarta.inject.Inject;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.metrics.MetricsSink;
import dev.wafer.app.backend.MemoryBudget;
import dev.wafer.domain.profile.GemmPeak;
import dev.wafer.domain.profile.StreamBandwidth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code wafer bench}: median time of full training steps (forward, backward, clipping, AdamW) after warm-up, as
 * tokens/s and model FLOP/s; with {@code --gemm}, the Vector API GEMM against the scalar GEMM instead.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time full training steps, or (--gemm) the Vector GEMM against the scalar GEMM.")
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ShapeOptions shape;

    @Option(names = "--steps", description = "timed steps after the warm-up steps (default ${DEFAULT-VALUE})",
            defaultValue = "3")
    int steps;

    @Option(names = "--warmup", paramLabel = "N", description = "untimed steps first: JIT compilation, first touch of"
            + " every buffer, a device's first launches (default ${DEFAULT-VALUE})", defaultValue = "1")
    int warmup;

    @Inject
    ComputeBackendFactory backends;

    /** The CPU adapter's two GEMMs, for {@code --gemm} (bound by the composition root). */
    @Inject
    GemmComparison gemms;

    /** The selected backend's probe, for its name ({@code --gemm} times the cpu backend's kernels only). */
    @Inject
    dev.wafer.ports.backend.BackendProbe probe;

    /** What the benchmark is sized against: the device's free memory for a device backend, else the heap. */
    @Inject
    MemoryBudget budget;

    @Option(names = "--json", description = "print one JSON object (with --gemm, one per line: a thread count each)")
    boolean json;

    @Option(names = "--recompute", description = "Recompute each block's activations in the backward (activation"
            + " checkpointing): less memory, one more forward pass of the blocks.")
    boolean recompute;

    @Option(names = "--profile", description = "Also time every kernel call (waiting for the device around each)"
            + " and print each kernel's time per step, the GFLOP/s of its products and the GB/s of its tensors, also"
            + " as a share of the streaming bandwidth measured first (a residual add over 3 x 128 MiB).")
    boolean profile;

    @Option(names = "--precision", paramLabel = "fp32|bf16|fp16", defaultValue = "fp32",
            description = "Precision of the timed steps (default ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--gemm", paramLabel = "SIZE|MxNxK", description = "Benchmark the Vector GEMM against the scalar"
            + " GEMM instead, on C(M,N) = A(M,K)·B(N,K)ᵀ (a linear layer's forward: M rows, N outputs, K inputs);"
            + " SIZE is M=N=K. E.g. 1x3072x768: one decoding step of a 111M model's first MLP matrix.")
    String gemm;

    @Option(names = "--peak-size", paramLabel = "N", description = "Side of the square product that measures the"
            + " GEMM peak: the cpu backend's own GEMM on its threads, another backend's through its own matmul"
            + " (default " + DEVICE_PEAK_SIZE + " for backends sized against device memory (cuda), " + HEAP_PEAK_SIZE
            + " on cpu and for backends whose tensors the JVM's heap mirrors (opencl); less where memory needs;"
            + " 0: no peak).")
    Integer peakSize;

    /** A product large enough to reach a GPU's tensor-core peak (8192^3: 1.1 TFLOP, a few milliseconds). */
    static final int DEVICE_PEAK_SIZE = 8192;
    /**
     * OpenCL's products, the size the cpu backend's peak uses (2048^3: 17 GFLOP): its own blocked kernel runs at
     * about 11 GFLOP/s on PoCL, where 8192^3 would take 100 s a product; a GPU is busy with it for milliseconds.
     */
    static final int HEAP_PEAK_SIZE = 2048;
    private static final int DEVICE_PEAK_REPEATS = 5;
    private static final long PEAK_SEED = 20_261_205L;
    private static final int STREAM_VALUES = 1 << 25;
    private static final int STREAM_MIN_VALUES = 1 << 24;
    private static final int STREAM_REPEATS = 5;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        if (peakSize != null && peakSize < 0) {
            throw new UserError("--peak-size must be 0 (no peak) or positive, found " + peakSize);
        }
        if (peakSize != null && (long) peakSize * peakSize > MemoryEstimate.MAX_TENSOR_FLOATS) {
            throw new UserError("--peak-size " + peakSize + ": its " + peakSize + " x " + peakSize + " matrices"
                    + " are more than one tensor holds (" + MemoryEstimate.MAX_TENSOR_FLOATS + " values); the largest"
                    + " is " + (long) Math.sqrt((double) MemoryEstimate.MAX_TENSOR_FLOATS));
        }
        if (gemm != null) {
            // The comparison times two GEMMs and nothing else: a step flag given with it would be silently ignored.
            List<String> ignored = spec.commandLine().getParseResult().matchedOptions().stream()
                    .map(o -> o.longestName()).filter(n -> !List.of("--gemm", "--json", "--backend").contains(n))
                    .toList();
            if (!ignored.isEmpty()) {
                throw new UserError("--gemm times the Vector-API and scalar GEMMs only; " + String.join(", ", ignored)
                        + (ignored.size() == 1 ? " does" : " do") + " not apply to it (leave "
                        + (ignored.size() == 1 ? "it" : "them") + " out, or drop --gemm to time training steps)");
            }
            // The GEMM comparison is of the CPU adapter's two kernels: another selected backend is refused rather
            // than silently not measured.
            if (probe != null && !probe.name().equals("cpu")) {
                throw new UserError("--gemm compares the cpu backend's Vector-API and scalar GEMMs, so it does not run"
                        + " on backend '" + probe.name() + "'; drop --backend " + probe.name() + " (or WAFER_BACKEND),"
                        + " or time that backend's products with wafer bench --backend " + probe.name()
                        + " --peak-size N");
            }
            benchGemm(out);
            return;
        }
        if (steps < 1) {
            throw new UserError("--steps must be positive");
        }
        if (warmup < 1) {
            throw new UserError("--warmup must be at least 1 (found " + warmup + "): a first step, which compiles and"
                    + " touches everything, is never a representative one");
        }
        Precision p = TrainRunResolver.parse("--precision", () -> Precision.parse(precision));
        ModelShape ms = shape.resolve(ShapeOptions.DEFAULT);
        int batch = shape.batch(ShapeOptions.DEFAULT_BATCH);
        int seq = ms.seqLength();
        ModelShape s = ms;
        ModelPrecision modelPrecision = new ModelPrecision(p.operands(), false);
        // As the model will store its activations (fused attention included), with the backend's own scratch.
        MemoryEstimate memory = MemoryEstimate.of(s, batch, seq, 1, recompute, modelPrecision,
                dev.wafer.domain.model.ActivationStorage.choose("selected", backends.declaredCapabilities(),
                        modelPrecision, s.dHead()), backends::workspaceBytes);
        MemoryBudget budget = this.budget == null ? MemoryBudget.heap() : this.budget;
        if (!memory.fits(budget.bytes())) {
            throw new UserError(String.format(Locale.ROOT, "the benchmark model does not fit: it needs %s (parameters,"
                    + " gradients, AdamW moments and one micro-batch of activations) in %s of %s, or a tensor of more"
                    + " than %,d floats; use a smaller shape or --batch%s", Format.bytes(memory.totalBytes()),
                    Format.bytes(budget.bytes()), budget.where(), MemoryEstimate.MAX_TENSOR_FLOATS,
                    budget.device() ? "" : ", or WAFER_JAVA_OPTS=-Xmx..."));
        }
        double[] seconds = new double[steps];
        String backendName;
        String backendDetail;
        String storage;
        Optional<GemmComparison.Peak> peak;
        String peakError = null;
        KernelProfile kernels = profile ? new KernelProfile() : null;
        StreamBandwidth.Result stream = null;
        ComputeBackend opened = backends.open();
        try (ComputeBackend backend = kernels == null ? opened : new ProfilingBackend(opened, kernels);
             TensorScope scope = backend.openScope()) {
            backendName = backend.name();
            TrainExecution.requirePrecision(backend, p);
            // The peak in the same process, on the GEMM and threads the steps' products use, before the model
            // exists: its matrices are garbage by the time the model's arrays take the heap (no extra resident memory).
            peak = Optional.empty();
            if (peakSize == null || peakSize > 0) {
                // The cpu backend's GEMM at --peak-size too (it ignored the flag and always measured 2048^3).
                int side = peakSize == null ? HEAP_PEAK_SIZE : fitting(peakSize, budget, memory.totalBytes());
                peak = gemms == null || side == 0 ? Optional.empty() : gemms.peak(opened, p.operands(), side);
            }
            if (peak.isEmpty()) {
                try {
                    peak = backendPeak(opened, p, budget, memory.totalBytes());
                } catch (IllegalStateException e) {
                    // A wrong timed product is a finding for the report, not a reason to lose the step timings.
                    peakError = e.getMessage();
                    peak = Optional.empty();
                }
            }
            if (kernels != null) {
                // The profile's roof for element-wise kernels, also before the model (its tensors freed after).
                stream = streamBandwidth(opened, memory.totalBytes());
            }
            if (peak.isPresent()) {
                // Its 2048 x 2048 matrices are garbage now; without a collection here the heap regions they took
                // stayed committed beside the model (fp32: +0.1 GB peak RSS on the 111M shape, two runs each).
                System.gc();
            }
            TrainableModel m = ModelAssembly.trainable(backend, scope, s, ParameterisationKind.SP, batch, seq,
                    AdamWSettings.cerebras(1e-8), modelPrecision, recompute);
            storage = m.model().activationStorage().describe();
            m.initialize(1);
            Trainer trainer = new Trainer(m.model(), m.optimizer(), new SyntheticTokenSource(s.vocabSize(), 1),
                    LearningRateSchedule.constant(6e-4), MetricsSink.NONE,
                    new TrainerSettings((long) batch * seq, 0, false), System::nanoTime,
                    p.scalesLoss() ? GradientScaler.dynamic() : GradientScaler.disabled());
            for (int i = 0; i < warmup; i++) {
                trainer.step(); // warm-up: JIT compilation and first touch of every buffer
            }
            if (kernels != null) {
                kernels.reset();
            }
            for (int i = 0; i < steps; i++) {
                seconds[i] = trainer.step().seconds();
            }
            // After the run: the description names the kernels that ran (oneDNN's chosen bf16 kernel, how CUDA's
            // kernels were loaded and which variant).
            backendDetail = backend.description();
        }
        ProfileReport report = kernels == null ? null
                : new ProfileReport(kernels, steps, Arrays.stream(seconds).average().orElseThrow(), stream);
        Arrays.sort(seconds);
        double median = steps % 2 == 1 ? seconds[steps / 2] : 0.5 * (seconds[steps / 2 - 1] + seconds[steps / 2]);
        double tokens = (double) batch * seq;
        double tps = tokens / median;
        double flops = tps * FlopCount.trainingPerToken(ms);
        // The products the step executes (linear layers, LM head, causal attention): Appendix F's count also has
        // the embeddings as a one-hot product and element-wise terms, so its share of a GEMM peak can pass 100%.
        // --recompute runs the blocks' forward products again: the step executes them, Appendix F does not count them.
        double productFlops = tps * FlopCount.matrixProductsTrainingPerToken(ms, recompute);
        if (json) {
            // Without a measured peak (backends other than the CPU) the two peak fields are null, never invented.
            String peakJson = peak.map(k -> String.format(Locale.ROOT, "%.4e,\"share_of_peak\":%.4f,"
                            + "\"product_share_of_peak\":%.4f,\"peak_gemm\":%s", k.flopsPerSecond(),
                            flops / k.flopsPerSecond(), productFlops / k.flopsPerSecond(), Json.quote(k.describe())))
                    .orElse("null,\"share_of_peak\":null,\"product_share_of_peak\":null")
                    + (peakError == null ? "" : ",\"peak_gemm_error\":" + Json.quote(peakError));
            out.println(String.format(Locale.ROOT, "{\"tokens_per_s\":%.1f,\"model_flops_per_s\":%.4e,"
                    + "\"product_flops_per_s\":%.4e,\"step_seconds\":%.4f,\"d_model\":%d,\"layers\":%d,"
                    + "\"heads\":%d,\"seq\":%d,\"batch\":%d,\"vocab\":%d,\"warmup_steps\":%d,\"backend\":\"%s\","
                    + "\"backend_detail\":%s,"
                    + "\"precision\":\"%s\",\"recompute\":%b,\"activation_storage\":%s,\"peak_gemm_flops_per_s\":%s%s}",
                    tps, flops, productFlops, median, s.dModel(), s.nLayers(), s.nHeads(), seq, batch, s.vocabSize(),
                    warmup, backendName, Json.quote(backendDetail), p.id(), recompute, Json.quote(storage), peakJson,
                    report == null ? "" : ",\"profile\":" + report.json()));
        } else {
            out.println(String.format(Locale.ROOT, "median step %.3f s  %.1f tokens/s  %.2f GFLOP/s (model)  [%s, %s%s]",
                    median, tps, flops / 1e9, backendDetail, p.id(), recompute ? ", recomputed" : ""));
            out.println(peak.map(k -> String.format(Locale.ROOT, "GEMM peak %.2f GFLOP/s (%s):"
                            + " model FLOPs (Appendix F) at %.1f%% of it, the step's own products at %.1f%%",
                            k.flopsPerSecond() / 1e9, k.describe(),
                            100 * flops / k.flopsPerSecond(), 100 * productFlops / k.flopsPerSecond()))
                    .orElse(peakError != null ? "GEMM peak: not reported, " + peakError
                            : "GEMM peak: not measured for backend '" + backendName + "' (--peak-size 0, or no"
                            + " product fits beside the run)"));
            if (report != null) {
                report.print(out);
            }
        }
    }

    /**
     * The GEMM peak of a backend without a host-side one (cuda, opencl) through its own matmul ({@link GemmPeak}),
     * measured before the model exists: {@code --peak-size} (default {@value #DEVICE_PEAK_SIZE} against device
     * memory, {@value #HEAP_PEAK_SIZE} against the heap), halved until its three matrices fit beside the run in the
     * memory the run is sized against; empty for {@code --peak-size 0} or when no size fits.
     */
    private Optional<GemmComparison.Peak> backendPeak(ComputeBackend backend, Precision p, MemoryBudget budget,
            long runBytes) {
        int n = peakSize != null ? peakSize : budget.device() ? DEVICE_PEAK_SIZE : HEAP_PEAK_SIZE;
        if (n < 0) {
            throw new UserError("--peak-size must be 0 (no peak) or positive, found " + n);
        }
        n = fitting(n, budget, runBytes);
        if (n == 0) {
            return Optional.empty();
        }
        GemmPeak.Result r;
        try {
            r = GemmPeak.measure(backend, p.operands(), n, DEVICE_PEAK_REPEATS, System::nanoTime, PEAK_SEED);
        } catch (dev.wafer.ports.compute.DeviceFailureException e) {
            if (peakSize == null) {
                throw e;
            }
            // A size the user chose that the device cannot allocate (an OpenCL buffer past its largest allocation).
            throw new UserError("--peak-size " + peakSize + ": the " + backend.name() + " device could not run the"
                    + " peak product of " + n + " x " + n + " (" + e.getMessage() + "); give a smaller --peak-size, or"
                    + " 0 for no peak");
        }
        return Optional.of(new GemmComparison.Peak(r.flopsPerSecond(), r.size(), 0, r.description()));
    }

    /** {@code n}, halved until the peak's three n x n matrices fit beside the run (0 when none does). */
    private static int fitting(int n, MemoryBudget budget, long runBytes) {
        while (n > 0 && 3.0 * Float.BYTES * n * n > budget.bytes() - runBytes) {
            n /= 2;
        }
        return n;
    }

    /**
     * The streaming bandwidth of the backend's residual add ({@link StreamBandwidth}): {@value #STREAM_VALUES} values
     * a tensor (3 x 128 MiB, past a GPU's L2 and a CPU core complex's L3), halved until they and their host copies take
     * at most half of what the run leaves free of the budget; {@code null} when not even {@value #STREAM_MIN_VALUES}
     * fit (3 x 64 MiB: smaller tensors would measure a cache).
     */
    private StreamBandwidth.Result streamBandwidth(ComputeBackend backend, long runBytes) {
        long free = (budget == null ? MemoryBudget.heap() : budget).bytes() - runBytes;
        int n = STREAM_VALUES;
        while (n >= STREAM_MIN_VALUES && 5L * Float.BYTES * n > free / 2) { // 3 tensors, 2 host arrays
            n /= 2;
        }
        return n < STREAM_MIN_VALUES ? null
                : StreamBandwidth.measure(backend, n, STREAM_REPEATS, System::nanoTime, PEAK_SEED);
    }

    private static long largestGemm(long heap) {
        long byMemory = (long) Math.sqrt(heap * 0.8 / (3.0 * Float.BYTES));
        return Math.min(byMemory, (long) Math.sqrt((double) MemoryEstimate.MAX_TENSOR_FLOATS));
    }

    private void benchGemm(PrintWriter out) {
        int[] mnk = GemmShape.parse(gemm);
        int m = mnk[0];
        int n = mnk[1];
        int k = mnk[2];
        // A, B and C are float arrays: each must be indexable by an int and all three must fit the heap.
        long floats = (long) m * k + (long) n * k + (long) m * n;
        long largest = Math.max((long) m * k, Math.max((long) n * k, (long) m * n));
        long heap = Runtime.getRuntime().maxMemory();
        if (largest > MemoryEstimate.MAX_TENSOR_FLOATS || floats * Float.BYTES > heap * 0.8) {
            throw new UserError(String.format(Locale.ROOT, "--gemm %s needs %d x %d, %d x %d and %d x %d float"
                    + " matrices (%s), more than %s (80%% of the heap) or one Java array can hold; the largest square"
                    + " size here is %d", gemm, m, k, n, k, m, n, Format.bytes(floats * Float.BYTES),
                    Format.bytes((long) (heap * 0.8)), largestGemm(heap)));
        }
        for (int threads : new int[] {1, Runtime.getRuntime().availableProcessors()}) {
            GemmComparison.Result r = gemms.measure(m, n, k, threads, 5);
            if (json) {
                out.println(String.format(Locale.ROOT, "{\"m\":%d,\"n\":%d,\"k\":%d,\"threads\":%d,"
                                + "\"vector_gflops\":%.2f,\"scalar_gflops\":%.2f,\"speedup\":%.1f}",
                        m, n, k, threads, r.vectorGflops(), r.scalarGflops(), r.speedup()));
            } else {
                out.println(String.format(Locale.ROOT,
                        "GEMM %dx%dx%d, %d thread(s): vector %.1f GFLOP/s (%s), scalar %.2f GFLOP/s, ratio %.1fx",
                        m, n, k, threads, r.vectorGflops(), r.vectorDescription(), r.scalarGflops(), r.speedup()));
            }
        }
    }
}
