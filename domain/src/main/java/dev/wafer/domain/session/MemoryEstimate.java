package dev.wafer.domain.session;

import java.util.List;
import java.util.OptionalInt;
import java.util.function.ToLongFunction;

import dev.wafer.domain.model.ActivationFootprint;
import dev.wafer.domain.model.ActivationStorage;
import dev.wafer.domain.model.ModelPrecision;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.model.ParameterLayout;
import dev.wafer.ports.compute.StepShape;

/**
 * The memory a training run needs before anything is allocated: parameters, gradients and both AdamW moments
 * (four float32 copies of the model) plus the activations of one micro-batch, and what the backend keeps for itself
 * during a step (a device backend's scratch buffers) where the estimate is given it. Used to choose the micro-batch and
 * to refuse, with figures, a run that cannot fit.
 *
 * @param stateBytes          parameters, gradients and AdamW moments
 * @param activationBytes     activations and activation gradients of one micro-batch (float32 buffers at four bytes
 *                            a value, 16-bit ones at two: {@link ActivationFootprint#totalBytes()})
 * @param largestTensorFloats the largest single buffer, in values
 * @param workspaceBytes      what the backend keeps for itself during a step
 *                            ({@link dev.wafer.ports.compute.ComputeBackendFactory#workspaceBytes}); 0 for none
 */
public record MemoryEstimate(long stateBytes, long activationBytes, long largestTensorFloats, long workspaceBytes) {
    /** The largest tensor a host-array backend can allocate (Java arrays are indexed by {@code int}). */
    public static final long MAX_TENSOR_FLOATS = Integer.MAX_VALUE - 8;

    /** The estimate for micro-batches of {@code microBatch} x {@code seq}. */
    public static MemoryEstimate of(ModelShape shape, int microBatch, int seq) {
        return of(shape, microBatch, seq, 1, false);
    }

    /** As {@link #of(ModelShape, int, int)}, with the activations of a run that recomputes them when asked. */
    public static MemoryEstimate of(ModelShape shape, int microBatch, int seq, boolean recompute) {
        return of(shape, microBatch, seq, 1, recompute);
    }

    /**
     * The estimate for one rank of a run whose AdamW moments are sharded over {@code optimizerShards} ranks
     * (parameters and gradients whole, the moments of one {@link dev.wafer.domain.optim.FlatShard}).
     */
    public static MemoryEstimate of(ModelShape shape, int microBatch, int seq, int optimizerShards) {
        return of(shape, microBatch, seq, optimizerShards, false);
    }

    /**
     * The estimate for one rank whose AdamW moments are sharded over {@code optimizerShards} ranks, with the
     * activations of a run that recomputes them when {@code recompute}.
     */
    public static MemoryEstimate of(ModelShape shape, int microBatch, int seq, int optimizerShards,
            boolean recompute) {
        return of(shape, microBatch, seq, optimizerShards, recompute, ActivationStorage.FP32);
    }

    /**
     * As {@link #of(ModelShape, int, int, int, boolean)} with the activations stored as {@code storage} says (what
     * {@link ActivationStorage#choose} gives the run's backend and precision).
     */
    public static MemoryEstimate of(ModelShape shape, int microBatch, int seq, int optimizerShards,
            boolean recompute, ActivationStorage storage) {
        long params = new ParameterLayout(shape).totalCount();
        ActivationFootprint a = ActivationFootprint.of(shape, microBatch, seq, recompute, storage);
        return new MemoryEstimate(Math.addExact(Math.multiplyExact(params, 2L * Float.BYTES),
                optimizerBytes(shape, optimizerShards)), a.totalBytes(), Math.max(a.largestValues(), params), 0);
    }

    /**
     * As {@link #of(ModelShape, int, int, int, boolean, ActivationStorage)} for a run with {@code precision}, plus
     * what the backend keeps for itself during such a step ({@code workspace} of its {@link #step}).
     */
    public static MemoryEstimate of(ModelShape shape, int microBatch, int seq, int optimizerShards,
            boolean recompute, ModelPrecision precision, ActivationStorage storage,
            ToLongFunction<StepShape> workspace) {
        MemoryEstimate m = of(shape, microBatch, seq, optimizerShards, recompute, storage);
        long backend = workspace.applyAsLong(step(shape, microBatch, seq, precision, storage));
        if (backend < 0) {
            throw new IllegalArgumentException("a backend's workspace cannot be negative: " + backend);
        }
        return new MemoryEstimate(m.stateBytes, m.activationBytes, m.largestTensorFloats, backend);
    }

    /** The step a backend is asked to size its workspace for: the model's sizes and the run's formats. */
    public static StepShape step(ModelShape shape, int microBatch, int seq, ModelPrecision precision,
            ActivationStorage storage) {
        return new StepShape(microBatch, seq, shape.dModel(), shape.dFfn(), shape.nHeads(), shape.vocabSize(),
                new ParameterLayout(shape).specs().size(), precision.operands(), storage.format(), storage.ln1(),
                storage.fusedAttention(), precision.fp32AttentionGrads());
    }

    /**
     * AdamW's two moments on one rank when sharded over {@code shards} ranks: {@code 2 · ceil(P / shards)} floats
     * (the largest shard; 1 shard: the whole model's).
     */
    public static long optimizerBytes(ModelShape shape, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("optimizer shards must be positive, found " + shards);
        }
        long params = new ParameterLayout(shape).totalCount();
        return Math.multiplyExact(2L * Float.BYTES, (params + shards - 1) / shards);
    }

    /** Everything together; {@link Long#MAX_VALUE} when more than a long counts (it fits no memory). */
    public long totalBytes() {
        long sum = stateBytes + activationBytes;
        sum = sum < 0 ? Long.MAX_VALUE : sum + workspaceBytes;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /** Whether the run fits in {@code budgetBytes} and every tensor is allocatable. */
    public boolean fits(long budgetBytes) {
        return totalBytes() <= budgetBytes && largestTensorFloats <= MAX_TENSOR_FLOATS;
    }

    /**
     * The largest micro-batch that divides every batch size in {@code batchSequences} and fits in
     * {@code budgetBytes}; empty when not even one sequence fits.
     */
    public static OptionalInt largestMicroBatch(ModelShape shape, int seq, List<Integer> batchSequences,
            long budgetBytes) {
        return largestMicroBatch(shape, seq, batchSequences, budgetBytes, 1, 1, false);
    }

    /** As {@link #largestMicroBatch(ModelShape, int, List, long, int, int, boolean)} with unsharded moments. */
    public static OptionalInt largestMicroBatch(ModelShape shape, int seq, List<Integer> batchSequences,
            long budgetBytes, int ranks, boolean recompute) {
        return largestMicroBatch(shape, seq, batchSequences, budgetBytes, ranks, 1, recompute);
    }

    /** As {@link #largestMicroBatch(ModelShape, int, List, long, int, int, boolean)} keeping every activation. */
    public static OptionalInt largestMicroBatch(ModelShape shape, int seq, List<Integer> batchSequences,
            long budgetBytes, int ranks, int optimizerShards) {
        return largestMicroBatch(shape, seq, batchSequences, budgetBytes, ranks, optimizerShards, false);
    }

    /**
     * As {@link #largestMicroBatch(ModelShape, int, List, long)} for a data-parallel job of {@code ranks} processes,
     * which take a global batch's micro-batches in turn: the largest fitting micro-batch that splits every batch
     * into a multiple of {@code ranks} micro-batches, so that no rank idles in any step; when no micro-batch does,
     * the largest that fits and gives every rank at least one micro-batch of every batch (some ranks then take one
     * micro-batch fewer than others); when none does either, the largest that fits. With {@code recompute} the
     * activations are those of a run that recomputes them.
     */
    public static OptionalInt largestMicroBatch(ModelShape shape, int seq, List<Integer> batchSequences,
            long budgetBytes, int ranks) {
        return largestMicroBatch(shape, seq, batchSequences, budgetBytes, ranks, 1, false);
    }

    /**
     * As {@link #largestMicroBatch(ModelShape, int, List, long, int)} for ranks whose AdamW moments are sharded over
     * {@code optimizerShards} of them, with the activations of a run that recomputes them when {@code recompute}.
     */
    public static OptionalInt largestMicroBatch(ModelShape shape, int seq, List<Integer> batchSequences,
            long budgetBytes, int ranks, int optimizerShards, boolean recompute) {
        return largestMicroBatch(shape, seq, batchSequences, budgetBytes, ranks, optimizerShards, recompute,
                ActivationStorage.FP32);
    }

    /**
     * As {@link #largestMicroBatch(ModelShape, int, List, long, int, int, boolean)} with the activations stored as
     * {@code storage} says.
     */
    public static OptionalInt largestMicroBatch(ModelShape shape, int seq, List<Integer> batchSequences,
            long budgetBytes, int ranks, int optimizerShards, boolean recompute, ActivationStorage storage) {
        return largestMicroBatch(shape, seq, batchSequences, budgetBytes, ranks, optimizerShards, recompute,
                ModelPrecision.FP32, storage, step -> 0);
    }

    /**
     * As {@link #largestMicroBatch(ModelShape, int, List, long, int, int, boolean, ActivationStorage)} counting what
     * the backend keeps for itself during a step of a run with {@code precision} ({@code workspace}).
     */
    public static OptionalInt largestMicroBatch(ModelShape shape, int seq, List<Integer> batchSequences,
            long budgetBytes, int ranks, int optimizerShards, boolean recompute, ModelPrecision precision,
            ActivationStorage storage, ToLongFunction<StepShape> workspace) {
        if (ranks < 1) {
            throw new IllegalArgumentException("ranks must be positive, found " + ranks);
        }
        int g = 0;
        for (int b : batchSequences) {
            g = gcd(g, b);
        }
        OptionalInt anyFit = OptionalInt.empty();
        OptionalInt everyRankWorks = OptionalInt.empty();
        for (int m = g; m >= 1; m--) {
            if (g % m != 0 || !of(shape, m, seq, optimizerShards, recompute, precision, storage, workspace)
                    .fits(budgetBytes)) {
                continue;
            }
            if (anyFit.isEmpty()) {
                anyFit = OptionalInt.of(m);
            }
            int micro = m;
            if (batchSequences.stream().allMatch(b -> (b / micro) % ranks == 0)) {
                return OptionalInt.of(m);
            }
            // Second best: every rank gets a micro-batch each step, if not an equal number (8 sequences on 3 ranks:
            // 2, not 8, which left 2 ranks idle).
            if (everyRankWorks.isEmpty() && batchSequences.stream().allMatch(b -> b / micro >= ranks)) {
                everyRankWorks = OptionalInt.of(m);
            }
        }
        return everyRankWorks.isPresent() ? everyRankWorks : anyFit;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
