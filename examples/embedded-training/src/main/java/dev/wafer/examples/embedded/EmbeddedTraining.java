package dev.wafer.examples.embedded;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.wafer.adapters.cpu.CpuBackend;
import dev.wafer.domain.data.SequenceBatchSource;
import dev.wafer.formats.checkpoint.FileCheckpointStore;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.schedule.DecayType;
import dev.wafer.domain.schedule.TrainingSchedule;
import dev.wafer.domain.session.Checkpointing;
import dev.wafer.domain.session.DataKind;
import dev.wafer.domain.session.DataSpec;
import dev.wafer.domain.session.Precision;
import dev.wafer.domain.session.RunSpec;
import dev.wafer.domain.session.RunState;
import dev.wafer.domain.session.RunStateHeaders;
import dev.wafer.domain.session.SessionOptions;
import dev.wafer.domain.session.StepReport;
import dev.wafer.domain.session.TrainingData;
import dev.wafer.domain.session.TrainingSession;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.CheckpointStore;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.data.TokenSequences;

/**
 * Wafer embedded in a plain Java program: the CPU backend, a {@link TrainingSession} and a checkpoint store wired by
 * hand, with no app, no CLI and no Guice. It trains a tiny GPT on a few lines of inline text, stops half-way with a
 * checkpoint, resumes from it in a fresh backend, and compares the losses with a run that never stopped.
 *
 * <p>Run it with {@code mvn -q -pl examples/embedded-training -am verify} (its test calls {@link #run}) or, after
 * a build, {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp ...
 * dev.wafer.examples.embedded.EmbeddedTraining [checkpoint-directory]} (the CPU backend refuses to open without the
 * Vector API module).
 */
public final class EmbeddedTraining {
    /** The corpus: short, repetitive English, so that a tiny model visibly learns it in a few dozen steps. */
    static final String TEXT = """
            The cat sat on the mat. The dog sat on the log. The cat saw the dog and the dog saw the cat.
            A small model learns the words that follow each other. The cat sat on the mat again.
            The dog ran to the log and sat on it. The cat ran to the mat and sat on it.
            Every line here is simple, so the loss falls quickly: the model learns to spell the, cat, dog and sat.
            """.repeat(4);
    /** Vocabulary 257 (bytes), 32 positions, 2 blocks of 2 heads, width 32, FFN 128. */
    static final ModelShape SHAPE = ModelShape.withHeads(InMemorySequences.VOCAB_SIZE, 32, 2, 2, 32, 128);
    /** Optimizer steps of the whole run. */
    static final int STEPS = 40;
    /** Sequences per optimizer step (two micro-batches of 4). */
    static final int BATCH = 8;
    /** Sequences per forward/backward pass. */
    static final int MICRO_BATCH = 4;
    /** Seed of initialisation and data order. */
    static final long SEED = 1234;

    private EmbeddedTraining() {
    }

    /**
     * What {@link #run} observed.
     *
     * @param uninterrupted losses of the run that never stopped, one per step
     * @param resumed       losses of the run stopped after {@code stopAfter} steps and resumed, one per step
     * @param stopAfter     the step the interrupted run checkpointed and stopped at
     * @param checkpoint    the checkpoint file (it holds the finished interrupted run)
     */
    public record Result(double[] uninterrupted, double[] resumed, long stopAfter, Path checkpoint) {
        /** Whether resuming reproduced every loss of the uninterrupted run exactly (same bits). */
        public boolean resumeIsExact() {
            return Arrays.equals(uninterrupted, resumed);
        }
    }

    /** The run: SP, lr 3e-3 peak with 4 warm-up steps and linear decay, Cerebras AdamW settings. */
    public static RunSpec spec() {
        TrainingSchedule schedule = TrainingSchedule.ofSteps(3e-3, 4, STEPS - 4, DecayType.LINEAR, BATCH,
                SHAPE.seqLength(), STEPS);
        return new RunSpec(SHAPE, ParameterisationKind.SP, SHAPE.seqLength(), MICRO_BATCH, schedule,
                AdamWSettings.cerebras(1e-8), SEED, DataSpec.of(DataKind.SAMPLE), Precision.FP32, false);
    }

    /**
     * Trains the run twice: once straight through, once stopped after {@code stopAfter} steps (checkpointing to
     * {@code directory}) and resumed from the checkpoint on a new backend.
     *
     * @param directory where the checkpoint goes
     * @param stopAfter the step to stop the interrupted run at, in {@code [1, STEPS)}
     * @param store     the checkpoint store
     */
    public static Result run(Path directory, long stopAfter, CheckpointStore store) {
        if (stopAfter < 1 || stopAfter >= STEPS) {
            throw new IllegalArgumentException("stop step must be in [1, " + STEPS + "), found " + stopAfter);
        }
        RunSpec spec = spec();
        TokenSequences text = new InMemorySequences(TEXT, SHAPE.seqLength());
        SessionOptions noValidation = SessionOptions.defaults().validationBatches(0);

        List<StepReport> straight = new ArrayList<>();
        try (ComputeBackend backend = CpuBackend.open(); TensorScope scope = backend.openScope()) {
            TrainingSession.start(backend, scope, spec, data(text, spec.seed()), noValidation, straight::add).run();
        }

        Path file = directory.resolve("embedded.ckpt");
        List<StepReport> interrupted = new ArrayList<>();
        SessionOptions checkpointed = noValidation.checkpointTo(new Checkpointing(store, file, 0));
        try (ComputeBackend backend = CpuBackend.open(); TensorScope scope = backend.openScope()) {
            TrainingSession.start(backend, scope, spec, data(text, spec.seed()), checkpointed.stopAt(stopAfter),
                    interrupted::add).run();
        }
        // A new process would start here: everything the resumed run needs is in the checkpoint.
        try (ComputeBackend backend = CpuBackend.open(); TensorScope scope = backend.openScope();
                CheckpointReader checkpoint = store.open(file)) {
            RunState state = RunStateHeaders.state(file, checkpoint.header());
            TrainingSession.resume(backend, scope, state, checkpoint, data(text, state.spec().seed()), checkpointed,
                    interrupted::add).run();
        }
        return new Result(losses(straight), losses(interrupted), stopAfter, file);
    }

    /** Trains, checkpoints to the directory given (default: a new temporary one), resumes and prints the losses. */
    public static void main(String[] args) throws IOException {
        Path directory = args.length > 0 ? Files.createDirectories(Path.of(args[0]))
                : Files.createTempDirectory("wafer-embedded");
        print(run(directory, STEPS / 2, new FileCheckpointStore()), System.out);
    }

    /** Prints one line per step and a verdict. */
    static void print(Result r, PrintStream out) {
        out.printf(Locale.ROOT, "%s, %d steps on %s; stopped after step %d and resumed from %s%n",
                SHAPE, STEPS, CpuBackend.class.getSimpleName(), r.stopAfter(), r.checkpoint());
        for (int i = 0; i < r.uninterrupted().length; i++) {
            out.printf(Locale.ROOT, "step %3d  loss %.6f  resumed run %.6f%s%n", i + 1, r.uninterrupted()[i],
                    r.resumed()[i], i + 1 == r.stopAfter() ? "  <- checkpoint" : "");
        }
        out.println(r.resumeIsExact() ? "resumed run matches the uninterrupted run bit for bit"
                : "resumed run DIFFERS from the uninterrupted run");
    }

    private static TrainingData data(TokenSequences text, long seed) {
        return new TrainingData(new SequenceBatchSource(text, seed), Optional.empty(), "inline text, bytes");
    }

    private static double[] losses(List<StepReport> steps) {
        return steps.stream().mapToDouble(s -> s.metrics().loss()).toArray();
    }
}
