package dev.wafer.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import dev.wafer.app.backend.MemoryBudget;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalInt;
import java.util.function.ToLongFunction;

import dev.wafer.domain.model.ActivationStorage;
import dev.wafer.domain.model.ModelPrecision;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.recipe.MicroBatchSizer;
import dev.wafer.domain.recipe.ResumePolicy;
import dev.wafer.domain.recipe.RunRecipe;
import dev.wafer.domain.recipe.RunRequest;
import dev.wafer.domain.recipe.RunRequestException;
import dev.wafer.domain.schedule.BatchSizeSchedule;
import dev.wafer.domain.session.DataKind;
import dev.wafer.domain.session.DataSpec;
import dev.wafer.domain.session.MemoryEstimate;
import dev.wafer.domain.session.RunSpec;
import dev.wafer.domain.session.RunState;
import dev.wafer.domain.session.RunStateHeaders;
import dev.wafer.domain.session.Precision;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.StepShape;

/**
 * Turns {@code wafer train}'s flags into a {@link RunSpec} through the domain's {@link RunRecipe} (a new run, or the
 * run a checkpoint holds with what may change on resume), sizing micro-batches against the run's memory. Every
 * mistake is a {@link UserError} naming the flag.
 */
final class TrainRunResolver implements MicroBatchSizer {
    /** Share of the JVM heap the default micro-batch may fill (the rest is for the JIT, buffers and the data). */
    static final double HEAP_SHARE = 0.8;
    private final TrainFlags f;
    private final long heapBytes;
    private final MemoryBudget memory;
    private final int ranks;
    private final int localRanks;
    /**
     * The memory decision of the last sizing ({@link #choose} or {@link #check}): empty when the run fits, else the
     * one-line refusal. The real run throws it; the dry run reports it as {@code fits: false} with the same words.
     */
    private Optional<String> refusal = Optional.empty();
    private boolean sized;
    /** The selected backend's name and declared capabilities: whether activations are sized as bf16 storage. */
    private String backendName = "selected";
    /** Why the selected backend's configuration stores float32 tensors only, or empty for its name's reason. */
    private String float32Note = "";
    private Set<Capability> capabilities = Set.of();
    /** What the selected backend keeps for itself during a step; none unless told. */
    private ToLongFunction<StepShape> workspace = step -> 0;
    /** The precision of the run being sized (set from the flags, or the checkpoint on resume). */
    private ModelPrecision sizing = ModelPrecision.FP32;
    /** What of the heap the run cannot have, and the part of it in use at the last sizing. */
    private HeapReserve reserve = HeapReserve.NONE;
    private long inUse;

    TrainRunResolver(TrainFlags f, long heapBytes) {
        this(f, heapBytes, 1, 1);
    }

    TrainRunResolver(TrainFlags f, long heapBytes, int ranks, int localRanks) {
        this(f, new MemoryBudget(heapBytes, "JVM heap", false), ranks, localRanks);
    }

    /**
     * @param ranks      processes of the data-parallel job (1 without mpirun): the default micro-batch gives each
     *                   the same number of micro-batches where it can
     * @param localRanks processes on this machine: each JVM sizes its heap from the whole machine's memory, so the
     *                   default micro-batch budget is shared among them
     */
    TrainRunResolver(TrainFlags f, MemoryBudget memory, int ranks, int localRanks) {
        this.f = f;
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

    /** Keeps {@code reserve} of a heap budget from the run (a device's memory holds no program objects). */
    TrainRunResolver reserve(HeapReserve reserve) {
        this.reserve = memory.device() ? HeapReserve.NONE : reserve;
        return this;
    }

    /** What the run's estimate may be: the memory less the reserve (all of it without one). */
    private long room() {
        return reserve.room(heapBytes, inUse);
    }

    /** Ranks the optimizer state is split over: the job's ranks with {@code --shard-optimizer}, else 1. */
    int optimizerShards() {
        return f.shardOptimizer() ? ranks : 1;
    }

    /**
     * Sizes activations as the backend {@code name} stores them: bf16 where it declares
     * {@link Capability#BF16_STORAGE} in a bf16 run, else float32 (what its factory declares without opening it), and
     * with what the backend keeps for itself during a step
     * ({@link dev.wafer.ports.compute.ComputeBackendFactory#workspaceBytes}).
     */
    TrainRunResolver backend(String name, Set<Capability> declared, ToLongFunction<StepShape> workspace) {
        this.backendName = name;
        this.capabilities = Set.copyOf(declared);
        this.workspace = workspace;
        return this;
    }

    /** As {@link dev.wafer.ports.compute.ComputeBackendFactory#float32StorageNote}: the reason reports give. */
    TrainRunResolver float32Note(String note) {
        this.float32Note = note;
        return this;
    }

    /** The memory a micro-batch of {@code micro} x {@code seq} of {@code model} needs on the selected backend. */
    MemoryEstimate estimate(ModelShape model, int micro, int seq, ModelPrecision precision) {
        return MemoryEstimate.of(model, micro, seq, optimizerShards(), f.recompute(), precision,
                activationStorage(precision, model), workspace);
    }

    /**
     * How a run with {@code precision} stores its activations on the selected backend: what its model will choose
     * ({@link ActivationStorage#choose}), float32 and the probabilities saved under {@code --underflow-report} (the
     * session keeps them so).
     */
    ActivationStorage activationStorage(ModelPrecision precision, ModelShape shape) {
        return ActivationStorage.choose(backendName, capabilities,
                f.underflowReport() != null ? precision.withFloat32Activations().withUnfusedAttention() : precision,
                shape.dHead(), float32Note);
    }

    /**
     * Refuses, as the real run does, a precision the selected backend declares it does not implement; a backend that
     * declares nothing (not known before it opens) is left to the run.
     */
    void requirePrecision(Precision precision) {
        if (!capabilities.isEmpty()) {
            TrainExecution.requirePrecision(backendName, capabilities, precision, f.resume());
        }
    }

    /** Processes of the data-parallel job the run is sized for. */
    int ranks() {
        return ranks;
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
        if (f.ranks() != null && (!f.dryRun() || f.ranks() < 1)) {
            throw new UserError(f.dryRun() ? "--ranks must be positive, found " + f.ranks()
                    : "--ranks " + f.ranks() + ": only with --dry-run (a run takes its ranks from mpirun)");
        }
        if (f.profile() && f.dryRun()) {
            throw new UserError("--profile: only for a training run, not with --dry-run (wafer bench --profile"
                    + " profiles steps of a shape without training)");
        }
        if (f.checkpointEvery() != null && f.checkpointEvery() < 1) {
            throw new UserError("--checkpoint-every must be positive, found " + f.checkpointEvery());
        }
        if (f.checkpointEvery() != null && f.out() == null && f.resume() == null) {
            throw new UserError("--checkpoint-every needs --out DIR (or --resume DIR) to say where checkpoints go");
        }
        if (f.overwrite() && f.out() == null && f.resume() == null) {
            // Without --out (or a resume, which saves beside its checkpoint) the run saves nothing to replace.
            throw new UserError("--overwrite needs --out DIR: without it the run saves no checkpoint, so there is"
                    + " nothing to overwrite");
        }
        if (f.stopAt() != null && f.stopAt() < 1) {
            throw new UserError("--stop-at must be a positive step, found " + f.stopAt());
        }
        if (f.maxTokens() != null && f.maxTokens() < 1) {
            throw new UserError("--max-tokens must be a positive number of tokens, found " + f.maxTokens());
        }
        if (f.underflowReport() != null && f.underflowReport() < 1) {
            throw new UserError("--underflow-report must be a positive number of steps, found "
                    + f.underflowReport());
        }
    }

    /** A new run from the flags (and preset). */
    RunSpec fresh() {
        sizing = requestedPrecision(f.recipe());
        return recipe(() -> RunRecipe.fresh(f.recipe(), dataSpec(), this));
    }

    /** The run a checkpoint holds, with the changes a resume may make (batch, micro-batch, data path). */
    RunState resumed(Path file, CheckpointHeader header) {
        RunRequest request = f.recipe();
        RunState saved = RunStateHeaders.state(file, header);
        sizing = saved.spec().modelPrecision();
        String newData = f.data() == null ? null : f.data().toAbsolutePath().normalize().toString();
        try {
            // The domain applies the resume policy (ResumePolicy) before anything else; the checkpoint's own values,
            // repeated, change nothing and are accepted, as the command that started the run.
            return new RunState(RunRecipe.resumed(saved.spec(), saved.position().tokens(), request, newData, this),
                    saved.position());
        } catch (RunRequestException e) {
            throw new UserError(e.resumeConflict().map(c -> conflict(c) + " (a resumed run keeps what its checkpoint"
                    + " fixes; only --batch-tokens, --micro-batch, --data (where the same data now is), --out,"
                    + " --overwrite, --checkpoint-every, --stop-at, --max-tokens, --eval-batches, --recompute,"
                    + " --shard-optimizer, --underflow-report, --profile, --backend, --json, --dry-run, --no-measure"
                    + " and --ranks may differ)").orElse(e.getMessage()));
        }
    }

    /** What {@code c} asks that the checkpoint does not allow, in words. */
    private static String conflict(ResumePolicy.Conflict c) {
        if (c.saved() == null) {
            return c.flag() + " cannot be given with --resume: the checkpoint keeps the run's model and schedule, not"
                    + " the name of a preset to compare";
        }
        if (c.given() instanceof Boolean) {
            return c.flag() + " cannot change on --resume: the checkpoint's run was trained without " + c.flag();
        }
        return c.flag() + " cannot change on --resume: the checkpoint has " + c.saved() + ", not " + c.given();
    }

    /** The precision a fresh request asks for; float32 when it names none or one the recipe will refuse. */
    private static ModelPrecision requestedPrecision(RunRequest r) {
        if (r.precision() == null) {
            return ModelPrecision.FP32;
        }
        try {
            Precision p = Precision.parse(r.precision());
            return new ModelPrecision(p.operands(), r.fp32AttentionGrads() && p != Precision.FP32);
        } catch (RuntimeException e) {
            return ModelPrecision.FP32; // the recipe refuses it with the flag's name
        }
    }

    @Override
    public int choose(ModelShape model, int seq, BatchSizeSchedule batches) {
        List<Integer> sizes = batches.phases().stream().map(BatchSizeSchedule.Phase::sequences).toList();
        inUse = 0;
        OptionalInt bound = largestMicroBatch(model, seq, sizes); // what an empty heap would choose
        inUse = reserve.inUse();
        OptionalInt fit = largestMicroBatch(model, seq, sizes);
        if (!fit.equals(bound)) { // garbage may be what makes the difference
            inUse = reserve.inUseCollected();
            fit = largestMicroBatch(model, seq, sizes);
        }
        if (fit.isPresent()) {
            return decided(Optional.empty(), fit.getAsInt());
        }
        // On the heap the reserve stands for what the estimate leaves out, so where --micro-batch 1 would run, the
        // default runs it too; a device's share stays (its driver's own allocations are not measured). Else the dry
        // run goes on with a micro-batch of 1 and reports the same refusal.
        MemoryEstimate one = estimate(model, 1, seq, sizing);
        if (!memory.device()) {
            collectIfGarbageDecides(one);
            return decided(one.fits(room()) ? Optional.empty() : Optional.of(doesNotFit(one, 1, heapBytes)), 1);
        }
        return decided(Optional.of(doesNotFit(one, 1, budgetBytes())), 1);
    }

    /** Measures the heap in use again after a collection where what is in use now is all that refuses {@code m}. */
    private void collectIfGarbageDecides(MemoryEstimate m) {
        if (!m.fits(room()) && m.fits(reserve.room(heapBytes, 0))) {
            inUse = reserve.inUseCollected();
        }
    }

    private OptionalInt largestMicroBatch(ModelShape model, int seq, List<Integer> sizes) {
        return MemoryEstimate.largestMicroBatch(model, seq, sizes, Math.min(budgetBytes(), room()), ranks,
                optimizerShards(), f.recompute(), sizing, activationStorage(sizing, model), workspace);
    }

    @Override
    public int check(ModelShape model, int seq, int micro) {
        inUse = reserve.inUse();
        MemoryEstimate m = estimate(model, micro, seq, sizing);
        collectIfGarbageDecides(m);
        return decided(m.fits(room()) ? Optional.empty() : Optional.of(doesNotFit(m, micro, heapBytes)), micro);
    }

    /** Records the decision; the real run stops on a refusal, the dry run reports it. */
    private int decided(Optional<String> verdict, int micro) {
        refusal = verdict;
        sized = true;
        if (verdict.isPresent() && !f.dryRun()) {
            throw new UserError(verdict.get());
        }
        return micro;
    }

    /**
     * The memory decision for {@code m} (the run's own micro-batch): the one the sizing made when it ran, so that the
     * dry run says {@code fits} exactly when the real run starts, in the same words when it does not.
     */
    Optional<String> refusal(MemoryEstimate m, int micro) {
        if (sized) {
            return refusal;
        }
        return m.fits(room()) ? Optional.empty() : Optional.of(doesNotFit(m, micro, heapBytes));
    }

    /**
     * The one-line refusal with the figures and the remedies, against {@code budget}: the whole memory for a
     * micro-batch the user chose, the default micro-batch's share of it ({@link #budgetBytes()}) otherwise.
     */
    private String doesNotFit(MemoryEstimate m, int micro, long budget) {
        if (m.totalBytes() <= (budget == heapBytes ? room() : budget)) { // then the memory would do: a tensor is too large for one host array
            return String.format(Locale.ROOT, "the run does not fit: with a micro-batch of %d its largest tensor has"
                    + " %,d floats, more than one host tensor can hold (%,d); use a smaller --micro-batch or --seq",
                    micro, m.largestTensorFloats(), MemoryEstimate.MAX_TENSOR_FLOATS);
        }
        String room = budget == heapBytes ? String.format(Locale.ROOT, "the %s is %s", memory.where(),
                Format.bytes(heapBytes))
                : String.format(Locale.ROOT, "the default micro-batch may use %s (%.0f%% of the %s of %s%s)",
                        Format.bytes(budget), 100 * HEAP_SHARE, memory.where(), Format.bytes(heapBytes),
                        memory.device() || localRanks == 1 ? "" : ", shared by " + localRanks + " local ranks");
        return String.format(Locale.ROOT, "the run does not fit in memory: parameters, gradients and AdamW moments"
                + " need %s and a micro-batch of %d needs %s of activations%s, %s in all%s, but %s; %s",
                Format.bytes(m.stateBytes()), micro, Format.bytes(m.activationBytes()),
                m.workspaceBytes() == 0 ? "" : " and " + Format.bytes(m.workspaceBytes()) + " of the backend's scratch",
                Format.bytes(m.totalBytes()), !reserve.any() ? "" : String.format(Locale.ROOT, " (%s with the %s the"
                        + " program already holds and %.0f%% slack for the collector)",
                        Format.bytes(reserve.needed(m, inUse)), Format.bytes(inUse), 100 * HeapReserve.SLACK),
                room, memory.remedy(micro));
    }

    private DataSpec dataSpec() {
        if (f.recipe().synthetic()) {
            if (f.data() != null) {
                throw new UserError("--synthetic and --data exclude each other");
            }
            return DataSpec.of(DataKind.SYNTHETIC);
        }
        if (f.data() == null) {
            return DataSpec.of(DataKind.SAMPLE);
        }
        return new DataSpec(Files.isDirectory(f.data()) ? DataKind.DATASET : DataKind.TOKENS,
                f.data().toAbsolutePath().normalize().toString(), "");
    }

    /** Runs the recipe, turning its one-line refusal into a user error. */
    private static <T> T recipe(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (RunRequestException e) {
            throw new UserError(e.getMessage());
        }
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
