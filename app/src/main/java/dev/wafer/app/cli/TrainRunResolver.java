package dev.wafer.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.wafer.app.backend.MemoryBudget;
import java.util.Locale;
import java.util.OptionalInt;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.preset.CerebrasGptFamily;
import dev.wafer.domain.preset.CerebrasGptPreset;
import dev.wafer.domain.schedule.BatchSizeSchedule;
import dev.wafer.domain.schedule.DecayType;
import dev.wafer.domain.schedule.TrainingSchedule;
import dev.wafer.domain.schedule.WarmupDecaySchedule;
import dev.wafer.domain.session.DataKind;
import dev.wafer.domain.session.DataSpec;
import dev.wafer.domain.session.MemoryEstimate;
import dev.wafer.domain.session.Precision;
import dev.wafer.domain.session.RunSpec;
import dev.wafer.domain.session.RunState;
import dev.wafer.domain.session.RunStateHeaders;
import dev.wafer.ports.checkpoint.CheckpointHeader;

/**
 * Turns {@code wafer train}'s flags into a {@link RunSpec}: a preset's recipe (Table 1's batch in tokens, its
 * schedule in tokens, the 13B batch change) with the flags that override it, or a run from flags alone, or the run
 * a checkpoint holds with what may change on resume. Every mistake is a {@link UserError} naming the flag.
 */
final class TrainRunResolver {
    /** Share of the JVM heap the default micro-batch may fill (the rest is for the JIT, buffers and the data). */
    static final double HEAP_SHARE = 0.8;
    private final TrainCommand c;
    private final long heapBytes;
    private final MemoryBudget memory;
    private final int ranks;
    private final int localRanks;

    TrainRunResolver(TrainCommand c, long heapBytes) {
        this(c, heapBytes, 1, 1);
    }

    TrainRunResolver(TrainCommand c, long heapBytes, int ranks, int localRanks) {
        this(c, new MemoryBudget(heapBytes, "JVM heap", false), ranks, localRanks);
    }

    /**
     * @param ranks      processes of the data-parallel job (1 without mpirun): the default micro-batch gives each
     *                   the same number of micro-batches where it can
     * @param localRanks processes on this machine: each JVM sizes its heap from the whole machine's memory, so the
     *                   default micro-batch budget is shared among them
     */
    TrainRunResolver(TrainCommand c, MemoryBudget memory, int ranks, int localRanks) {
        this.c = c;
        this.memory = memory;
        this.heapBytes = memory.bytes();
        this.ranks = ranks;
        this.localRanks = localRanks;
    }

    /**
     * The memory the default micro-batch may use: a share of the budget, split among the local ranks when it is
     * the heap (each JVM sizes its heap from the whole machine), not when it is a device's.
     */
    long budgetBytes() {
        return (long) (heapBytes * HEAP_SHARE / (memory.device() ? 1 : localRanks));
    }

    /** The memory runs are sized against (the heap, or a device's free memory). */
    long heapBytes() {
        return heapBytes;
    }

    /** What {@link #heapBytes()} is. */
    MemoryBudget memory() {
        return memory;
    }

    /** Checks the flags that say how the run is carried out (checkpoints, early stops). */
    void checkRunFlags() {
        if (c.checkpointEvery != null && c.checkpointEvery < 1) {
            throw new UserError("--checkpoint-every must be positive, found " + c.checkpointEvery);
        }
        if (c.checkpointEvery != null && c.out == null && c.resume == null) {
            throw new UserError("--checkpoint-every needs --out DIR (or --resume DIR) to say where checkpoints go");
        }
        if (c.stopAt != null && c.stopAt < 1 || c.maxTokens != null && c.maxTokens < 1) {
            throw new UserError("--stop-at and --max-tokens must be positive");
        }
        if (c.underflowReport != null && c.underflowReport < 1) {
            throw new UserError("--underflow-report must be a positive number of steps, found " + c.underflowReport);
        }
    }

    /** A new run from the flags (and preset). */
    RunSpec fresh() {
        CerebrasGptPreset p = c.preset == null ? null : preset(c.preset);
        ModelShape s = c.shape.resolve(p != null ? p.shape() : ShapeOptions.DEFAULT);
        int seq = s.seqLength();
        // A preset keeps its 2048 learned positions even when trained on shorter sequences.
        ModelShape model = p != null && p.shape().seqLength() > seq ? s.withSeqLength(p.shape().seqLength()) : s;
        ParameterisationKind kind = c.parameterisation != null ? parse("--parameterisation",
                () -> ParameterisationKind.parse(c.parameterisation)) : p != null ? p.parameterisation()
                : ParameterisationKind.SP;
        TrainingSchedule schedule = p != null ? presetSchedule(p, kind, seq) : flagSchedule(kind, seq);
        double eps = c.eps != null ? c.eps : p != null ? p.adamEpsilon() : 1e-8;
        Precision precision = c.precision == null ? Precision.FP32 : parse("--precision",
                () -> Precision.parse(c.precision));
        if (c.fp32AttentionGrads && precision == Precision.FP32) {
            throw new UserError("--fp32-attention-grads needs --precision bf16 or fp16 (an fp32 run has no 16-bit"
                    + " gradients to keep)");
        }
        int micro = microBatch(model, seq, schedule.batches());
        return parse("the run", () -> new RunSpec(model, kind, seq, micro, schedule, AdamWSettings.cerebras(eps),
                c.seed, dataSpec(), precision, c.skipNonFinite, c.fp32AttentionGrads));
    }

    /** The run a checkpoint holds, with the changes a resume may make (batch, micro-batch, data path). */
    RunState resumed(Path file, CheckpointHeader header) {
        String fixed = fixedByCheckpoint();
        if (fixed != null) {
            throw new UserError(fixed + " cannot change on --resume: the checkpoint fixes it (only --batch-tokens,"
                    + " --micro-batch, --data, --out, --checkpoint-every, --stop-at, --max-tokens, --eval-batches,"
                    + " --underflow-report, --dry-run and --json may be given)");
        }
        RunState state = RunStateHeaders.state(file, header);
        RunSpec spec = state.spec();
        if (c.data != null) {
            spec = spec.withData(spec.data().at(c.data.toAbsolutePath().normalize().toString()));
        }
        if (c.batchTokens != null) {
            int sequences = sequences(c.batchTokens, spec.seqLength());
            RunSpec from = spec;
            spec = parse("--batch-tokens", () -> from.withBatchFrom(state.position().tokens(), sequences));
        }
        if (c.microBatch != null) {
            RunSpec from = spec;
            int micro = checkedMicroBatch(from.shape(), from.seqLength(), c.microBatch);
            spec = parse("--micro-batch", () -> from.withMicroBatch(micro));
        }
        return new RunState(spec, state.position());
    }

    private TrainingSchedule presetSchedule(CerebrasGptPreset p, ParameterisationKind kind, int seq) {
        if (c.steps != null) {
            throw new UserError("--steps cannot be combined with --preset: the preset fixes its steps ("
                    + p.schedule().totalSteps() + "); shorten the run with --stop-at STEP or --max-tokens N, which"
                    + " keep its schedule");
        }
        TrainingSchedule base = p.schedule();
        BatchSizeSchedule batches;
        if (c.batchTokens != null || c.shape.batch != null) {
            batches = BatchSizeSchedule.constant(stepSequences(seq, 0), seq);
        } else {
            // Table 1's batch in tokens, re-expressed in sequences of the length trained on.
            List<BatchSizeSchedule.Phase> phases = new ArrayList<>();
            for (BatchSizeSchedule.Phase ph : base.batches().phases()) {
                phases.add(new BatchSizeSchedule.Phase(ph.startTokens(),
                        sequences((long) ph.sequences() * base.batches().seqLength(), seq)));
            }
            batches = BatchSizeSchedule.phased(seq, phases);
        }
        WarmupDecaySchedule lr = base.lrInTokens();
        double peak = c.lr != null ? c.lr : p.parameterisation() == kind ? lr.peak()
                : kind == ParameterisationKind.MUP ? CerebrasGptFamily.MUP_BASE_LEARNING_RATE : 6e-4;
        double warm = c.warmup != null ? (double) c.warmup * batches.tokensPerStepAt(0) : lr.warmup();
        double decay = lr.warmup() + lr.decay() - warm;
        DecayType type = c.decay != null ? decayType() : lr.type();
        return parse("the schedule", () -> new TrainingSchedule(WarmupDecaySchedule.paper(peak, warm, decay, type),
                batches, base.totalTokens()));
    }

    private TrainingSchedule flagSchedule(ParameterisationKind kind, int seq) {
        long total = c.steps != null ? c.steps : TrainCommand.DEFAULT_STEPS;
        if (total < 1) {
            throw new UserError("--steps must be positive, found " + total);
        }
        // 10% of the run, at least one step, but never the whole run (--steps 1 has no warm-up).
        long warm = c.warmup != null ? c.warmup : Math.min(Math.max(1, total / 10), total - 1);
        if (warm < 0 || warm >= total) {
            throw new UserError("--warmup must be in [0, --steps), found " + warm);
        }
        double peak = c.lr != null ? c.lr : kind == ParameterisationKind.MUP
                ? CerebrasGptFamily.MUP_BASE_LEARNING_RATE : TrainCommand.DEFAULT_SP_LR;
        DecayType type = c.decay != null ? decayType() : DecayType.LINEAR;
        int sequences = stepSequences(seq, ShapeOptions.DEFAULT_BATCH);
        return parse("the schedule", () -> TrainingSchedule.ofSteps(peak, warm, total - warm, type, sequences, seq,
                total));
    }

    /** Sequences per optimizer step from --batch-tokens or --batch (or the default). */
    private int stepSequences(int seq, int defaultSequences) {
        if (c.batchTokens != null && c.shape.batch != null) {
            throw new UserError("give --batch (sequences per step) or --batch-tokens (tokens per step), not both");
        }
        if (c.batchTokens != null) {
            return sequences(c.batchTokens, seq);
        }
        int b = c.shape.batch != null ? c.shape.batch : defaultSequences;
        if (b < 1) {
            throw new UserError("--batch must be positive, found " + b);
        }
        return b;
    }

    private static int sequences(long tokens, int seq) {
        if (tokens < seq || tokens % seq != 0 || tokens / seq > Integer.MAX_VALUE) {
            throw new UserError("--batch-tokens must be a positive multiple of the sequence length " + seq
                    + " (and at most " + (long) Integer.MAX_VALUE * seq + "), found " + tokens);
        }
        return (int) (tokens / seq);
    }

    private int microBatch(ModelShape model, int seq, BatchSizeSchedule batches) {
        if (c.microBatch != null) {
            return checkedMicroBatch(model, seq, c.microBatch);
        }
        List<Integer> sizes = batches.phases().stream().map(BatchSizeSchedule.Phase::sequences).toList();
        OptionalInt fit = MemoryEstimate.largestMicroBatch(model, seq, sizes, budgetBytes(), ranks);
        if (fit.isPresent()) {
            return fit.getAsInt();
        }
        if (c.dryRun) {
            return 1; // the dry run reports that it does not fit
        }
        throw new UserError(doesNotFit(MemoryEstimate.of(model, 1, seq), 1));
    }

    private int checkedMicroBatch(ModelShape model, int seq, int micro) {
        if (micro < 1) {
            throw new UserError("--micro-batch must be positive, found " + micro);
        }
        MemoryEstimate m = MemoryEstimate.of(model, micro, seq);
        if (!c.dryRun && !m.fits(heapBytes)) {
            throw new UserError(doesNotFit(m, micro));
        }
        return micro;
    }

    /** The one-line refusal with the figures and the remedies. */
    String doesNotFit(MemoryEstimate m, int micro) {
        if (m.totalBytes() <= heapBytes) {
            return String.format(Locale.ROOT, "the run does not fit: with a micro-batch of %d its largest tensor has"
                    + " %,d floats, more than one host tensor can hold (%,d); use a smaller --micro-batch or --seq",
                    micro, m.largestTensorFloats(), MemoryEstimate.MAX_TENSOR_FLOATS);
        }
        return String.format(Locale.ROOT, "the run does not fit in memory: parameters, gradients and AdamW moments"
                + " need %s and a micro-batch of %d needs %s of activations, %s in all, but the %s is %s;"
                + " %s", Format.bytes(m.stateBytes()), micro, Format.bytes(m.activationBytes()),
                Format.bytes(m.totalBytes()), memory.where(), Format.bytes(heapBytes), memory.remedy());
    }

    private DataSpec dataSpec() {
        if (c.synthetic) {
            if (c.data != null) {
                throw new UserError("--synthetic and --data exclude each other");
            }
            return DataSpec.of(DataKind.SYNTHETIC);
        }
        if (c.data == null) {
            return DataSpec.of(DataKind.SAMPLE);
        }
        return new DataSpec(Files.isDirectory(c.data) ? DataKind.DATASET : DataKind.TOKENS,
                c.data.toAbsolutePath().normalize().toString(), "");
    }

    /** The first flag given that a checkpoint fixes, or null. */
    private String fixedByCheckpoint() {
        Object[][] flags = {{"--preset", c.preset}, {"--parameterisation", c.parameterisation}, {"--steps", c.steps},
            {"--lr", c.lr}, {"--warmup", c.warmup}, {"--decay", c.decay}, {"--eps", c.eps},
            {"--d-model", c.shape.dModel}, {"--layers", c.shape.layers}, {"--heads", c.shape.heads},
            {"--seq", c.shape.seq}, {"--batch", c.shape.batch}, {"--vocab", c.shape.vocab},
            {"--precision", c.precision}, {"--synthetic", c.synthetic ? Boolean.TRUE : null},
            {"--fp32-attention-grads", c.fp32AttentionGrads ? Boolean.TRUE : null},
            {"--skip-nonfinite", c.skipNonFinite ? Boolean.TRUE : null},
            {"--seed", c.spec.commandLine().getParseResult().hasMatchedOption("--seed") ? c.seed : null}};
        for (Object[] f : flags) {
            if (f[1] != null) {
                return (String) f[0];
            }
        }
        return null;
    }

    private DecayType decayType() {
        return parse("--decay", () -> DecayType.parse(c.decay));
    }

    private static CerebrasGptPreset preset(String name) {
        return parse("--preset", () -> CerebrasGptFamily.require(name));
    }

    /** Runs a domain constructor or parser, turning its validation message into a user error naming the flag. */
    static <T> T parse(String what, java.util.function.Supplier<T> f) {
        try {
            return f.get();
        } catch (IllegalArgumentException e) {
            throw new UserError(what + ": " + e.getMessage());
        }
    }
}
