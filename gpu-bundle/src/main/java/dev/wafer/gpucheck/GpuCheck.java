package dev.wafer.gpucheck;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bundle's entry point. Runs, each in its own child process and under one overall deadline: the device probe, the
 * CUDA tests on the new kernels (and the contract and model suites on the baseline kernels straight after when they
 * fail, else when a bench needs them or at the end: {@link BaselineSuites}), {@code wafer bench} fp32, the PyTorch
 * anchor, {@code wafer bench} bf16, the training check and, time permitting, the unfused and bias-kernels reruns,
 * torch.compile and the profiles; {@code --skip} leaves groups out. The JSON report is rewritten after every phase and ends with the
 * issue's speed goals ({@link Goals}); one summary line ends the run. Exit status 0 when no test failed, every
 * required bench ran and the training runs held their comparisons, 1 otherwise, 2 for a bad argument.
 */
public final class GpuCheck {

    /**
     * How the CUDA backend is told which kernels to use: {@code fast} (the default), {@code fast-unfused} or
     * {@code baseline}.
     */
    static final String KERNELS_ENV = "WAFER_CUDA_KERNELS";

    // Caps per child: no single hang may eat the whole deadline; the deadline itself still governs the total.
    private static final Duration DEVICE_CAP = Duration.ofSeconds(60);
    private static final Duration TESTS_CAP = Duration.ofSeconds(180);
    private static final Duration BASELINE_TESTS_CAP = Duration.ofSeconds(120);
    private static final Duration BENCH_CAP = Duration.ofSeconds(120);
    private static final Duration TORCH_CAP = Duration.ofSeconds(90);
    private static final Duration TRAIN_CAP = Duration.ofSeconds(150);
    private static final Duration COMPILE_CAP = Duration.ofSeconds(150);
    /** torch.compile spends most of a minute compiling: not worth starting with less. */
    private static final Duration COMPILE_NEEDED = Duration.ofSeconds(60);

    private final Options options;
    private final Report report;
    private final PhaseRunner phases;
    private final Children children = Children.ofThisJvm();
    private final Map<String, String> env = new HashMap<>();
    /** {@code WAFER_BF16_PEAK_TFLOPS}, or null: checked up front, applied once the device probe has named the GPU. */
    private final String peakOverride;
    /** The peak the utilisation figures use; set by {@link #device()}. */
    private Bf16Peak bf16Peak;
    private final List<String> problems = new ArrayList<>();
    private final List<String> summary = new ArrayList<>();
    private final ScratchFolder scratch;
    private final Path work;
    /** The baseline kernels' suites: benches may fall back to those kernels when they pass. Set by {@link #tests()}. */
    private BaselineSuites baseline = BaselineSuites.none();
    /**
     * A rehearsal that found a CUDA device (the stand-in libraries on the loader path): the CUDA phases then run
     * on it, at the rehearsal's tiny shapes, instead of on the CPU backend.
     */
    private boolean rehearsalOnCuda;

    private GpuCheck(Options options, String peakOverride) throws IOException {
        this.options = options;
        this.peakOverride = peakOverride;
        this.bf16Peak = Bf16Peak.resolve(peakOverride, null);
        this.report = new Report(options.report(), options.mode().text());
        this.phases = new PhaseRunner(report, Deadline.startingNow(options.deadline()), options.skip());
        this.scratch = ScratchFolder.create();
        this.work = scratch.path();
        if (options.mode() == Options.Mode.GPU) {
            env.put("WAFER_EXPECT_CUDA", "1"); // a GPU machine: CUDA tests fail instead of skipping
        }
    }

    public static void main(String[] args) throws IOException {
        Options options;
        String peak = System.getenv("WAFER_BF16_PEAK_TFLOPS");
        try {
            options = Options.parse(args, System.getenv());
            Bf16Peak.resolve(peak, null); // a bad override is refused before anything runs
        } catch (IllegalArgumentException e) {
            System.err.println("gpu-check: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(new GpuCheck(options, peak).run());
    }

    private int run() {
        // SIGTERM or Ctrl-C from outside: say so in the report, and take the running child down with this JVM
        // (an orphaned child would hold the GPU for whatever runs next). SIGKILL leaves the last written report.
        Thread hook = new Thread(this::interrupted, "gpu-check-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        var root = report.root();
        root.put("java_home", System.getProperty("java.home"));
        root.put("java_version", Runtime.version().toString());
        root.put("deadline_seconds", options.deadline().toSeconds());
        root.put("command", options.command()); // the launcher's arguments for this run, as the docs quote them
        root.put("work_dir", work.toString()); // test logs and checkpoints; removed at the end
        root.put("kernel_variants_env", KERNELS_ENV);
        var skipped = root.putArray("skipped_groups"); // --skip: phases of these groups are recorded, not run
        options.skip().forEach(skipped::add);
        // What the launcher set for every child (WAFER_GPU_CHECK_NO_PTX: why a test bundle has no prebuilt PTX), and
        // the one CUDA setting a second run may pass on to time its default against (WAFER_CUDA_BIAS_EPILOGUE=0:
        // biases added by kernels; unset: cuBLASLt's epilogue).
        var environment = root.putObject("environment");
        for (String name : List.of("NVIDIA_TF32_OVERRIDE", "WAFER_CUDA_CACHE", "LD_LIBRARY_PATH",
                "WAFER_CUDA_BIAS_EPILOGUE", "WAFER_GPU_CHECK_NO_PTX")) {
            environment.put(name, System.getenv(name));
        }
        try {
            device();
            String variant = tests();
            List<BenchCase> cases = switch (options.mode()) {
                case GPU -> BenchCase.gpu();
                case REHEARSE -> BenchCase.rehearsal(deviceBackend());
                case CPU_PART -> BenchCase.cpuPart();
            };
            benches(cases.stream().filter(c -> !c.bf16()).toList(), variant);
            if (options.mode() != Options.Mode.CPU_PART) {
                torch(cases, false);
                benches(cases.stream().filter(BenchCase::bf16).toList(), variant);
                smi(NvidiaSmi.AFTER_BENCHES, "nvidia_smi_after_benches"); // clocks and throttling under load
                train(options.mode() == Options.Mode.GPU ? TrainPlan.gpu() : TrainPlan.rehearsal(deviceBackend()),
                        variant);
                // The reruns that decide defaults come first, being short: when the fused attention ran, the
                // longest fp32 and bf16 shapes again without it (same machine, same run), so the report shows what
                // each fused attention changes; then the longest bf16 shape with its biases added by kernels,
                // against cuBLASLt's epilogue, the fast kernels' default (the baseline kernels have no epilogue).
                if (variant.equals(KernelChoice.FAST)) {
                    for (boolean bf16 : new boolean[] {false, true}) {
                        BenchCase.longestOnCuda(cases, bf16).ifPresent(c -> benches(List.of(c.unfused()),
                                KernelChoice.FAST_UNFUSED));
                    }
                }
                if (!variant.equals(KernelChoice.BASELINE)) {
                    BenchCase.longestOnCuda(cases, true)
                            .ifPresent(c -> benches(List.of(c.withBiasKernels()), variant));
                }
                // Then torch.compile, the second anchor, which spends most of a minute compiling.
                int longest = cases.stream().mapToInt(BenchCase::seq).max().orElse(0);
                torch(cases.stream().filter(c -> c.seq() == longest).toList(), true);
                // Last, when time is left: where the steps of the goals' shapes go, kernel by kernel (bf16 first).
                benches(BenchCase.toProfile(cases).stream().map(BenchCase::profiled).toList(), variant);
            }
            baseline.atTheEnd(); // the baseline kernels' suites, if they waited: with whatever time is left
        } finally {
            scratch.delete();
        }
        int status = finish();
        Runtime.getRuntime().removeShutdownHook(hook);
        return status;
    }

    /** The shutdown hook: the report first (so the dying child's exit is not recorded as a crash), then the child. */
    private void interrupted() {
        try {
            report.interrupt("the check was stopped from outside (SIGTERM or SIGINT) during the phase marked"
                    + " interrupted");
        } catch (RuntimeException e) {
            System.err.println("gpu-check: could not record the interruption: " + e);
        }
        // Gone before the scratch folder is removed: a dying child still writing its log there would leave it behind.
        Children.killAll();
        scratch.delete();
    }

    private void device() {
        Optional<DeviceProbe> probe = phases.run("device", "device", DEVICE_CAP,
                b -> DeviceProbe.run(children, env, b));
        var device = probe.orElse(new DeviceProbe(
                new ProcessRun(ProcessRun.NOT_STARTED, "device probe did not run", false, Duration.ZERO),
                Optional.empty())).device();
        report.root().set("device", device);
        smi(NvidiaSmi.AT_START, "nvidia_smi");
        bf16Peak = Bf16Peak.resolve(peakOverride, device.path("gpu").asText(null));
        report.root().put("bf16_peak_tflops", bf16Peak.tflops());
        report.root().put("bf16_peak_source", bf16Peak.source());
        report.root().put("bf16_peak_known", bf16Peak.known());
        if (options.mode() == Options.Mode.GPU && !device.path("cuda_available").asBoolean()) {
            // Said first: every CUDA phase after this fails for this one reason.
            problems.add("CUDA unavailable: " + device.path("cuda_detail").asText());
        }
        if (options.mode() == Options.Mode.REHEARSE && device.path("cuda_available").asBoolean()) {
            rehearsalOnCuda = true;
            env.put("WAFER_EXPECT_CUDA", "1"); // the CUDA tests must run on it, not skip
            report.note("rehearsal on the CUDA device the loader found (" + device.path("gpu").asText()
                    + "): the kernel contract, benches and training run on the CUDA backend at tiny shapes, and"
                    + " PyTorch's figures come from its CPU device or, without torch, from a labelled stand-in");
        } else if (options.mode() == Options.Mode.REHEARSE) {
            report.note("rehearsal: no GPU; benches and training run on the CPU backend at tiny shapes, and PyTorch's"
                    + " figures come from its CPU device or, without torch, from a labelled stand-in");
        }
        report.write();
    }

    /** nvidia-smi's lines on {@code sections} into the report's {@code device} section, under {@code key}. */
    private void smi(List<String> sections, String key) {
        NvidiaSmi.query(NvidiaSmi.TOOL, sections, env).putInto(report.root().withObjectProperty("device"), key);
        report.write();
    }

    /** The backend of the device phases: cuda on a GPU or in a rehearsal that found one, else cpu. */
    private String deviceBackend() {
        return options.mode() == Options.Mode.GPU || rehearsalOnCuda ? "cuda" : "cpu";
    }

    /** Runs the suites and returns the kernel variant the benches use. */
    private String tests() {
        // The CPU part has no baseline suites; with --skip tests, baselineSuites records theirs as skipped at the end.
        baseline = options.mode() == Options.Mode.CPU_PART ? BaselineSuites.none()
                : new BaselineSuites(this::baselineSuites);
        if (phases.skips("tests")) {
            return testsSkipped();
        }
        // A rehearsal on a CUDA device runs the kernel contract only: the model suites run on the simulator in
        // the adapter's own build, and would take minutes here.
        Optional<TestPhase> fast = testPhase(rehearsalOnCuda ? TestSuite.fastContract() : TestSuite.fast(), true);
        summary.add("tests " + fast.map(TestPhase::summary).orElse("fast did not run"));
        boolean fastPassed = fast.map(t -> KernelChoice.kernelsStand(t.status(), t.log())).orElse(false);
        boolean baselinePassed = !fastPassed && baseline.passedNow(); // the choice rests on them only then
        KernelChoice choice = KernelChoice.of(fast.map(TestPhase::status).orElse("did not run"), baselinePassed,
                fast.map(TestPhase::log).orElse(new TestLog(List.of(), Optional.empty(), false)));
        report.root().put("bench_kernel_variant", choice.variant());
        report.root().put("bench_kernel_variant_reason", choice.reason() + (baseline.done() ? "" : "; the baseline"
                + " kernels' suites run at the end, when time is left, or at once if a bench fails on these"));
        report.write();
        return choice.variant();
    }

    /**
     * The baseline kernels' contract and model suites, as {@link BaselineSuites} runs them (once, when wanted).
     *
     * @param needed whether the run needs their verdict now (a skip for want of time is then a problem)
     * @return whether they ran and passed
     */
    private boolean baselineSuites(boolean needed) {
        Optional<TestPhase> suites = testPhase(rehearsalOnCuda ? TestSuite.baselineContract() : TestSuite.baseline(),
                needed);
        suites.ifPresent(t -> summary.add("tests " + t.summary()));
        return suites.map(TestPhase::passed).orElse(false);
    }

    /**
     * {@code --skip tests}: the suites' phases are recorded as skipped (the baseline one where it would have run, at
     * the end) and the benches use the kernels {@code --kernels} names (fast by default), untested in this run, so
     * never retried on the baseline ones.
     */
    private String testsSkipped() {
        phases.recordSkipped(TestSuite.fast().name(), "tests");
        report.root().put("bench_kernel_variant", options.kernels());
        report.root().put("bench_kernel_variant_reason", "the tests were skipped (--skip tests): the kernels"
                + " --kernels names, or the fast ones by default, untested in this run");
        report.write();
        return options.kernels();
    }

    /** @param needed whether its not running (no time left) is a problem */
    private Optional<TestPhase> testPhase(TestSuite suite, boolean needed) {
        Optional<TestPhase> result = phases.run(suite.name(), "tests",
                suite.variant().equals(KernelChoice.BASELINE) ? BASELINE_TESTS_CAP : TESTS_CAP,
                b -> TestPhase.run(children, suite, env, b, work));
        if (result.isEmpty()) {
            if (needed && !phases.skips("tests")) {
                problems.add(suite.name() + " did not run");
            }
        } else if (!result.get().passed()) {
            problems.add(suite.name() + " " + result.get().status() + " (" + result.get().failed() + " failed)");
        }
        return result;
    }

    private void benches(List<BenchCase> cases, String variant) {
        for (BenchCase c : cases) {
            Optional<BenchRun> run = bench(c, variant, "bench " + c.label());
            if (phases.skips("bench")) {
                continue; // recorded as skipped; said once in the summary
            }
            if (run.isPresent() && baseline.retry(variant, run.get().ok())) {
                // The new kernels failed here but the baseline passed its suites: still get this shape's figures,
                // and say that the fast kernels failed.
                if (c.required()) {
                    problems.add("bench " + c.label() + " " + Outcome.status(run.get().run(), run.get().line())
                            + " on the fast kernels: " + run.get().run().lastLine());
                }
                Optional<BenchRun> retry = bench(c, KernelChoice.BASELINE, "bench " + c.label() + RETRY);
                if (retry.isPresent()) {
                    run = retry;
                }
            }
            summary.add(run.map(BenchRun::summary).orElse(c.label() + " skipped"));
            if (c.required() && run.map(r -> !r.ok()).orElse(true)) {
                problems.add("bench " + c.label() + " " + run.map(r -> Outcome.status(r.run(), r.line()) + ": "
                        + r.run().lastLine()).orElse("did not run (deadline)"));
            }
        }
    }

    /** The suffix of a phase rerun on the baseline kernels after failing on the fast ones. */
    static final String RETRY = " (baseline kernels)";

    private Optional<BenchRun> bench(BenchCase c, String variant, String name) {
        return phases.run(name, "bench", BENCH_CAP,
                b -> BenchRun.run(children, c, variant, env, b, bf16Peak.tflops() * 1e12));
    }

    private void torch(List<BenchCase> cases, boolean compile) {
        boolean gpu = options.mode() == Options.Mode.GPU;
        Path standIn = gpu ? null : options.torchStandIn();
        for (BenchCase c : cases) {
            String name = (compile ? "pytorch compile " : "pytorch eager ") + c.label();
            Optional<TorchRun> run = compile
                    ? phases.run(name, "pytorch", COMPILE_CAP, COMPILE_NEEDED,
                            b -> TorchRun.run(options.torchScript(), standIn, gpu ? "cuda" : "cpu", c, true, env, b))
                    : phases.run(name, "pytorch", TORCH_CAP,
                            b -> TorchRun.run(options.torchScript(), standIn, gpu ? "cuda" : "cpu", c, false, env, b));
            run.ifPresent(r -> summary.add(r.summary()));
        }
    }

    private void train(TrainPlan plan, String variant) {
        Path checkpoint = work.resolve("train-checkpoint");
        String device = plan.deviceBackend();
        String fullName = "train " + device + " " + plan.steps() + " steps";
        String cpuName = "train cpu reference " + plan.steps() + " steps";
        String stopName = "train " + device + " stop-at " + plan.stopAt();
        String resume = "train " + device + " resume";
        if (phases.skips("train")) {
            List.of(fullName, cpuName, stopName, resume).forEach(n -> phases.recordSkipped(n, "train"));
            return;
        }
        Optional<TrainRun> full = trainRun(fullName, plan.full(device), variant, true);
        String kernels = variant;
        if (full.isPresent() && baseline.retry(variant, full.get().ok())) {
            // As for a bench: the fast kernels failed this run after passing their suites, the baseline kernels
            // passed theirs, so the comparison (and the stop and resume) run on those; the failure stays a problem.
            kernels = KernelChoice.BASELINE;
            full = trainRun(fullName + RETRY, plan.full(device), kernels, true);
            stopName += RETRY;
            resume += RETRY;
        }
        Optional<TrainRun> cpu = trainRun(cpuName, plan.full("cpu"), kernels, true);
        Optional<TrainRun> stopped = trainRun(stopName, plan.stopped(checkpoint), kernels, false);
        Optional<TrainRun> resumed = Optional.empty();
        if (stopped.filter(TrainRun::ok).isPresent()) {
            resumed = trainRun(resume, plan.resumed(checkpoint), kernels, true);
        } else {
            report.skip(resume, "train", "skipped: the stop-at run left no checkpoint");
        }
        TrainComparison comparison = new TrainComparison(full, cpu, resumed);
        report.root().set("training", comparison.toJson());
        report.write();
        problems.addAll(comparison.problems());
        summary.add(comparison.summary());
    }

    private Optional<TrainRun> trainRun(String name, List<String> arguments, String variant, boolean validation) {
        Optional<TrainRun> run = phases.run(name, "train", TRAIN_CAP,
                b -> TrainRun.run(children, name, arguments, variant, validation, env, b));
        run.filter(r -> !r.ok()).ifPresent(r -> problems.add(name + " " + r.status() + ": "
                + r.run().lastLine()));
        return run;
    }

    private int finish() {
        boolean ok = problems.isEmpty();
        var root = report.root();
        String gpu = root.path("device").path("gpu").asText("no GPU named");
        List<String> parts = new ArrayList<>();
        if (!options.skip().isEmpty()) {
            parts.add("skipped by --skip: " + String.join(", ", options.skip()));
        }
        parts.addAll(summary);
        List<String> goals = new ArrayList<>();
        try {
            root.set("goals", Goals.of(root, goals)); // the speed goals, from the figures above
        } catch (RuntimeException e) { // a slip in this arithmetic must not cost the run its report
            report.note("the goals could not be read off the report: " + e);
        }
        if (!goals.isEmpty()) {
            parts.add("goals: " + String.join(", ", goals));
        }
        String line = String.format("gpu-check %s: %s | %s | %s | report %s", options.mode().text(),
                ok ? "PASS" : "FAIL (" + String.join("; ", problems) + ")", gpu, String.join(" | ", parts),
                report.file());
        root.put("ok", ok);
        var problemNode = root.putArray("problems");
        problems.forEach(problemNode::add);
        root.put("summary", line);
        root.put("seconds", phases.deadline().elapsed().toMillis() / 1000.0);
        root.put("status", "complete");
        report.write();
        System.out.println(line);
        return ok ? 0 : 1;
    }
}
