package dev.wafer.domain.recipe;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.MupHyperparameters;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.preset.CerebrasGptFamily;
import dev.wafer.domain.preset.CerebrasGptPreset;
import dev.wafer.domain.schedule.BatchSizeSchedule;
import dev.wafer.domain.schedule.DecayType;
import dev.wafer.domain.schedule.TrainingSchedule;
import dev.wafer.domain.schedule.WarmupDecaySchedule;
import dev.wafer.domain.session.DataKind;
import dev.wafer.domain.session.DataSpec;
import dev.wafer.domain.session.Precision;
import dev.wafer.domain.session.RunSpec;

/**
 * Turns a {@link RunRequest} into a {@link RunSpec}: a preset's recipe (Table 1's batch in tokens, its schedule in
 * tokens, the 13B batch change) with the settings that override it, or a run from the settings alone around the
 * default tiny model, or a saved run with what may change on resume. Every mistake is a {@link
 * RunRequestException} naming the setting by its flag.
 */
public final class RunRecipe {
    /** The default tiny model when neither the request nor a preset says otherwise. */
    public static final ModelShape DEFAULT_SHAPE = new ModelShape(ModelShape.GPT2_VOCAB, 128, 128, 2, 4, 32, 512);
    /** Sequences per optimizer step of a run without a preset. */
    public static final int DEFAULT_BATCH = 8;
    /** Steps of the default run: about five minutes of the default model on a 2-core machine. */
    public static final long DEFAULT_STEPS = 1500;
    /** Warm-up of a run without a preset and without --warmup: 10% of its steps ({@link TrainingSchedule#warmupSteps}). */
    public static final double DEFAULT_WARMUP_FRACTION = 0.1;
    /** Seed of a request that names none. */
    public static final long DEFAULT_SEED = 1;
    /** Adam epsilon of a run without a preset. */
    public static final double DEFAULT_EPS = 1e-8;

    private RunRecipe() {
    }

    /**
     * A new run.
     *
     * @param data  the data it trains on
     * @param sizer sizes the micro-batch against the run's memory
     */
    public static RunSpec fresh(RunRequest r, DataSpec data, MicroBatchSizer sizer) {
        CerebrasGptPreset p = r.preset() == null ? null : named("--preset", () -> CerebrasGptFamily.require(r.preset()));
        ModelShape s = shape(p != null ? p.shape() : DEFAULT_SHAPE, r.shape());
        int seq = s.seqLength();
        // A preset keeps its 2048 learned positions even when trained on shorter sequences.
        ModelShape model = p != null && p.shape().seqLength() > seq ? s.withSeqLength(p.shape().seqLength()) : s;
        ParameterisationKind kind = r.parameterisation() != null ? named("--parameterisation",
                () -> ParameterisationKind.parse(r.parameterisation())) : p != null ? p.parameterisation()
                : ParameterisationKind.SP;
        MupFlags.check(r, kind);
        TrainingSchedule schedule = p != null ? presetSchedule(r, p, kind, seq) : flagSchedule(r, kind, seq);
        double eps = r.eps() != null ? eps(r.eps()) : p != null ? p.adamEpsilon() : DEFAULT_EPS;
        Precision precision = r.precision() == null ? Precision.FP32 : named("--precision",
                () -> Precision.parse(r.precision()));
        if (r.fp32AttentionGrads() && precision == Precision.FP32) {
            throw new RunRequestException("--fp32-attention-grads needs --precision bf16 or fp16 (an fp32 run has no"
                    + " 16-bit gradients to keep)");
        }
        int micro = r.microBatch() != null ? checked(sizer, model, seq, r.microBatch())
                : sizer.choose(model, seq, schedule.batches());
        long seed = r.seed() != null ? r.seed() : DEFAULT_SEED;
        MupHyperparameters mup = MupFlags.triple(r, kind, schedule.lrInTokens().peak());
        RunSpec spec = named("the run", () -> new RunSpec(model, kind, seq, micro, schedule,
                AdamWSettings.cerebras(eps), seed, data, precision, r.skipNonFinite(), r.fp32AttentionGrads(), mup));
        return wholeMicroBatches(microBatchFlags(r), spec, 0);
    }

    /**
     * The flags a batch that is not a whole number of micro-batches comes from: {@code --micro-batch N} and the batch
     * flag the user gave with it; "the run" when the micro-batch was sized (the sizer picks one that divides).
     */
    private static String microBatchFlags(RunRequest r) {
        if (r.microBatch() == null) {
            return "the run";
        }
        Integer batch = r.shape() == null ? null : r.shape().batch();
        return "--micro-batch " + r.microBatch() + (batch != null ? " with --batch " + batch
                : r.batchTokens() != null ? " with --batch-tokens " + r.batchTokens() : "");
    }

    /**
     * A saved run with the changes a resume may make ({@link ResumePolicy}): the batch from {@code tokensTrained}
     * on, the micro-batch, the data's new place.
     *
     * @param newDataPath where the data lives now, or null when it has not moved
     * @throws RunRequestException when the request gives a setting the checkpoint fixes, with another value
     */
    public static RunSpec resumed(RunSpec saved, long tokensTrained, RunRequest r, String newDataPath,
            MicroBatchSizer sizer) {
        ResumePolicy.firstConflict(r, saved, tokensTrained).ifPresent(c -> {
            throw new RunRequestException(c.flag() + " cannot change on resume: the checkpoint fixes it ("
                    + (c.saved() == null ? "and does not record it" : "as " + c.saved()) + ")", c);
        });
        RunSpec spec = saved;
        if (newDataPath != null) {
            DataKind kind = saved.data().kind();
            if (kind != DataKind.DATASET && kind != DataKind.TOKENS) {
                // Only a dataset or token file has a place that can move; taking --data as new data would change
                // what the run trains on, and ignoring it would hide that it was not used.
                throw new RunRequestException("--data cannot be given on resume: this run trained on "
                        + (kind == DataKind.SAMPLE ? "the embedded sample" : "synthetic tokens")
                        + ", and a resumed run trains on the same data (--data only says where a moved dataset or"
                        + " token file now is)");
            }
            spec = spec.withData(spec.data().at(newDataPath));
        }
        // Finished batch phases are history: only the batches from the checkpoint's step on are split into
        // micro-batches, so only they must be whole numbers of the micro-batch.
        long step = saved.schedule().batches().stepsFor(tokensTrained);
        if (r.batchTokens() != null) {
            // The batch and the micro-batch change together: the old micro-batch need not divide the new batch.
            int sequences = sequences(r.batchTokens(), spec.seqLength());
            RunSpec from = spec;
            BatchSizeSchedule batches = from.batchesFrom(tokensTrained, sequences);
            int micro = r.microBatch() != null ? checked(sizer, from.shape(), from.seqLength(), r.microBatch())
                    : divides(from.microBatch(), batches, step) ? from.microBatch()
                    : sizer.choose(from.shape(), from.seqLength(), remaining(batches, step)); // as a new run would
            String what = r.microBatch() != null ? "--batch-tokens with --micro-batch " + micro : "--batch-tokens";
            return wholeMicroBatches(what, named(what, () -> from.withBatchFrom(tokensTrained, sequences, micro)),
                    step);
        }
        if (r.microBatch() != null) {
            RunSpec from = spec;
            int micro = checked(sizer, from.shape(), from.seqLength(), r.microBatch());
            spec = wholeMicroBatches("--micro-batch", named("--micro-batch", () -> from.withMicroBatch(micro)), step);
        }
        return spec;
    }

    /** {@code spec}, when its batches from {@code step} on are whole numbers of its micro-batch. */
    private static RunSpec wholeMicroBatches(String what, RunSpec spec, long step) {
        return named(what, () -> {
            spec.requireWholeMicroBatchesFrom(step);
            return spec;
        });
    }

    /** The phases of {@code batches} from {@code step} on, as a schedule (what a new micro-batch must divide). */
    private static BatchSizeSchedule remaining(BatchSizeSchedule batches, long step) {
        List<BatchSizeSchedule.Phase> left = new ArrayList<>();
        for (BatchSizeSchedule.Phase p : batches.phasesFromStep(step)) {
            left.add(left.isEmpty() ? new BatchSizeSchedule.Phase(0, p.sequences()) : p);
        }
        return BatchSizeSchedule.phased(batches.seqLength(), left);
    }

    /**
     * The largest --d-model and --seq: 2^20, 85 times the paper's widest model (12288) and 512 times its context,
     * beyond anything one machine trains, yet small enough that 4 x d_model (the feed-forward width) is an int and
     * the parameter count (about 12 L d^2) stays countable.
     */
    public static final int MAX_SIZE = 1 << 20;

    /** The shape after applying the overrides to {@code base}; the feed-forward width stays 4 x d_model. */
    public static ModelShape shape(ModelShape base, RunRequest.Shape o) {
        int d = o.dModel() != null ? o.dModel() : base.dModel();
        int l = o.layers() != null ? o.layers() : base.nLayers();
        int h = o.heads() != null ? o.heads() : o.dModel() != null ? Math.max(1, d / base.dHead()) : base.nHeads();
        int t = o.seq() != null ? o.seq() : base.seqLength();
        int v = o.vocab() != null ? o.vocab() : base.vocabSize();
        // The first flag out of range, with its value: the five once shared one line that named none.
        String[] names = {"--d-model", "--layers", "--heads", "--seq"};
        int[] values = {d, l, h, t};
        for (int i = 0; i < names.length; i++) {
            if (values[i] < 1) {
                throw new RunRequestException(names[i] + " must be positive, found " + values[i]);
            }
        }
        if (v < 2) {
            throw new RunRequestException("--vocab must be at least 2, found " + v);
        }
        if (d > MAX_SIZE) {
            throw new RunRequestException("--d-model must be in [1, " + MAX_SIZE + "], found " + d);
        }
        if (t > MAX_SIZE) {
            throw new RunRequestException("--seq must be in [1, " + MAX_SIZE + "], found " + t);
        }
        if (d % h != 0) {
            throw new RunRequestException("--d-model " + d + " is not a multiple of --heads " + h
                    + " (d_head = d_model / heads)");
        }
        // About 12 L d^2 weights: past 2^53 the count no longer fits the long arithmetic that sizes the run.
        if (12.0 * l * d * d > 0x1p53) {
            throw new RunRequestException(String.format(java.util.Locale.ROOT, "--d-model %d with --layers %d has"
                    + " about %.1e parameters, more than can be counted (at most 2^53)", d, l, 12.0 * l * d * d));
        }
        int ffn = o.dModel() != null ? 4 * d : base.dFfn();
        return new ModelShape(v, t, d, l, h, d / h, ffn);
    }

    private static TrainingSchedule presetSchedule(RunRequest r, CerebrasGptPreset p, ParameterisationKind kind,
            int seq) {
        if (r.steps() != null) {
            throw new RunRequestException("--steps cannot be combined with --preset: the preset fixes its steps ("
                    + p.schedule().totalSteps() + "); shorten the run with --stop-at STEP or --max-tokens N, which"
                    + " keep its schedule");
        }
        TrainingSchedule base = p.schedule();
        BatchSizeSchedule batches;
        if (r.batchTokens() != null || r.shape().batch() != null) {
            batches = BatchSizeSchedule.constant(stepSequences(r, seq, 0), seq);
        } else {
            // Table 1's batch in tokens, re-expressed in sequences of the length trained on.
            List<BatchSizeSchedule.Phase> phases = new ArrayList<>();
            for (BatchSizeSchedule.Phase ph : base.batches().phases()) {
                long tokens = (long) ph.sequences() * base.batches().seqLength();
                if (tokens % seq != 0) { // the user gave --seq, not --batch-tokens: name what they gave
                    throw new RunRequestException("--seq " + seq + ": the preset's batch of " + tokens + " tokens is"
                            + " not a multiple of it; give --batch-tokens (a multiple of " + seq + ") or another"
                            + " --seq");
                }
                phases.add(new BatchSizeSchedule.Phase(ph.startTokens(), sequences(tokens, seq)));
            }
            batches = BatchSizeSchedule.phased(seq, phases);
        }
        WarmupDecaySchedule lr = base.lrInTokens();
        double peak = MupFlags.peak(r) != null ? MupFlags.peak(r) : LearningRates.forPreset(p, kind);
        double warm = r.warmup() != null ? (double) r.warmup() * batches.tokensPerStepAt(0) : lr.warmup();
        // The warm-up must end before the schedule does, leaving a decay of at least one token.
        long maxWarmup = (long) Math.ceil((lr.warmup() + lr.decay()) / batches.tokensPerStepAt(0));
        if (r.warmup() != null && (r.warmup() < 0 || warm >= lr.warmup() + lr.decay())) {
            throw new RunRequestException("--warmup must be in [0, " + maxWarmup + ") steps of " + p.name()
                    + "'s schedule (" + batches.tokensPerStepAt(0) + " tokens a step), found " + r.warmup());
        }
        double decay = lr.warmup() + lr.decay() - warm;
        DecayType type = r.decay() != null ? decayType(r) : LearningRates.decayForPreset(p, kind);
        return named("the schedule", () -> new TrainingSchedule(WarmupDecaySchedule.paper(peak, warm, decay, type),
                batches, base.totalTokens()));
    }

    private static TrainingSchedule flagSchedule(RunRequest r, ParameterisationKind kind, int seq) {
        long total = r.steps() != null ? r.steps() : DEFAULT_STEPS;
        if (total < 1) {
            throw new RunRequestException("--steps must be positive, found " + total);
        }
        // 10% of the run rounded half up, at least one step, but never the whole run (--steps 1 has no warm-up).
        long warm = r.warmup() != null ? r.warmup() : TrainingSchedule.warmupSteps(total, DEFAULT_WARMUP_FRACTION);
        if (warm < 0 || warm >= total) {
            throw new RunRequestException("--warmup must be in [0, --steps), found " + warm);
        }
        double peak = MupFlags.peak(r) != null ? MupFlags.peak(r) : LearningRates.withoutPreset(kind);
        DecayType type = r.decay() != null ? decayType(r) : DecayType.LINEAR;
        int sequences = stepSequences(r, seq, DEFAULT_BATCH);
        return named("the schedule", () -> TrainingSchedule.ofSteps(peak, warm, total - warm, type, sequences, seq,
                total));
    }

    /** Sequences per optimizer step from the batch in tokens or in sequences (or the default). */
    private static int stepSequences(RunRequest r, int seq, int defaultSequences) {
        if (r.batchTokens() != null && r.shape().batch() != null) {
            throw new RunRequestException("give --batch (sequences per step) or --batch-tokens (tokens per step), not"
                    + " both");
        }
        if (r.batchTokens() != null) {
            return sequences(r.batchTokens(), seq);
        }
        int b = r.shape().batch() != null ? r.shape().batch() : defaultSequences;
        if (b < 1) {
            throw new RunRequestException("--batch must be positive, found " + b);
        }
        return b;
    }

    private static int sequences(long tokens, int seq) {
        if (tokens < seq || tokens % seq != 0 || tokens / seq > Integer.MAX_VALUE) {
            throw new RunRequestException("--batch-tokens must be a positive multiple of the sequence length " + seq
                    + " (and at most " + (long) Integer.MAX_VALUE * seq + "), found " + tokens);
        }
        return (int) (tokens / seq);
    }

    /**
     * --eps, checked: positive (0 divides by zero where a gradient is 0) and below 1. Clipping to a global norm of
     * 1 keeps every gradient, and so sqrt(v), at most 1; an eps of 1 or more swamps it, and Adam becomes plain SGD
     * at lr / eps (an infinite eps trains with zero updates).
     */
    private static double eps(double eps) {
        if (!(eps > 0 && eps < 1)) {
            throw new RunRequestException("--eps must be positive and finite, below 1 (Adam's guard against"
                    + " dividing by a tiny sqrt(v); 1e-8 is usual), found " + eps);
        }
        return eps;
    }

    private static int checked(MicroBatchSizer sizer, ModelShape model, int seq, int micro) {
        if (micro < 1) {
            throw new RunRequestException("--micro-batch must be positive, found " + micro);
        }
        return sizer.check(model, seq, micro);
    }

    private static boolean divides(int micro, BatchSizeSchedule batches, long step) {
        return batches.phasesFromStep(step).stream().allMatch(p -> p.sequences() % micro == 0);
    }

    private static DecayType decayType(RunRequest r) {
        return named("--decay", () -> DecayType.parse(r.decay()));
    }

    /** Runs a constructor or parser, turning its validation message into one that names the setting. */
    private static <T> T named(String what, Supplier<T> f) {
        try {
            return f.get();
        } catch (RunRequestException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new RunRequestException(what + ": " + e.getMessage());
        }
    }
}
