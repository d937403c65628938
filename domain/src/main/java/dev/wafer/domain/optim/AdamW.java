package dev.wafer.domain.optim;

import java.util.List;

import dev.wafer.domain.model.ParameterLayout;
import dev.wafer.domain.model.ParameterSet;
import dev.wafer.domain.model.ParameterSpec;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.collective.SingleProcess;
import dev.wafer.ports.compute.AdamWKernel;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.ReductionKernel;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/**
 * One optimizer step: global gradient norm (per-tensor sums of squares in double), clipping as
 * {@code torch.nn.utils.clip_grad_norm_} does it (scale by {@code max/(norm + 1e-6)} when that is below 1), then
 * for each tensor the Modelzoo AdamW update with {@code lr = schedule · parameterisation multiplier} and weight
 * decay when the tensor's role is decayed. The optimizer never asks which parameterisation is in use.
 *
 * <p><b>Sharded (ZeRO stage 1).</b> Built with a {@link FlatShard} of several ranks, it holds the moments of its
 * shard of the flat parameter space only, and {@link #step} updates only that shard: the caller passes gradients
 * whose shard is already summed over the ranks (a reduce-scatter) and gathers the updated parameters afterwards. The
 * gradient norm is the global one: per-tensor sums of squares of each rank's shard, summed over the ranks in double
 * (one all-reduce), so clipping scales every shard alike. A shard may cut a tensor in two; each piece keeps its
 * tensor's learning-rate multiplier and weight decay, so per element the update is the unsharded one.
 */
public final class AdamW {
    private final ComputeBackend backend;
    private final AdamWSettings settings;
    private final Parameterisation parameterisation;
    private final ParameterSet m;
    private final ParameterSet v;
    private final AdamWKernel kernel;
    private final ReductionKernel reductions;
    private final List<ParameterSpec> specs;
    private final Tensor[] pViews;
    private final Tensor[] gViews;
    private final Tensor[] mViews;
    private final Tensor[] vViews;
    private final double[] sums;
    /** The gradient norm's arguments, allocated once (no allocation per step). */
    private final Tensor[] normTensors;
    private final int[] normCounts;
    private int step;
    private final FlatShard shard;
    private final Collective collective;
    /** Sharded: the moments of this rank's shard only (null unsharded). */
    private final Tensor mShard;
    private final Tensor vShard;
    /** Sharded: the pieces of tensors inside the shard: which tensor, first flat element, length. */
    private final int[] pieceSpec;
    private final long[] pieceStart;
    private final int[] pieceCount;
    private final double[] pieceSums;
    private final Tensor[] pieceNorm;
    private ParameterSet pieceGrads;

    /** Allocates the moments (zero) for {@code layout}. */
    public AdamW(ComputeBackend backend, TensorScope scope, ParameterLayout layout, AdamWSettings settings,
                 Parameterisation parameterisation) {
        this(backend, scope, layout, settings, parameterisation, SingleProcess.instance(), false);
    }

    /**
     * An optimizer for the ranks of {@code collective}: with {@code sharded} and more than one rank, it holds the
     * moments of this rank's {@link FlatShard} only (see the class comment); otherwise it is the unsharded optimizer,
     * whose {@link #step} communicates nothing.
     */
    public AdamW(ComputeBackend backend, TensorScope scope, ParameterLayout layout, AdamWSettings settings,
                 Parameterisation parameterisation, Collective collective, boolean sharded) {
        backend.require(java.util.EnumSet.of(Capability.ADAMW, Capability.REDUCTIONS));
        this.backend = backend;
        this.settings = settings;
        this.parameterisation = parameterisation;
        this.collective = collective;
        this.shard = sharded && collective.size() > 1
                ? new FlatShard(layout.totalCount(), collective.size(), collective.rank())
                : FlatShard.whole(layout.totalCount());
        List<ParameterSpec> all = layout.specs();
        if (shard.sharded()) {
            this.m = null;
            this.v = null;
            this.mShard = scope.allocate(shard.length());
            this.vShard = scope.allocate(shard.length());
            int pieces = 0;
            for (ParameterSpec s : all) {
                pieces += overlap(s) > 0 ? 1 : 0;
            }
            this.pieceSpec = new int[pieces];
            this.pieceStart = new long[pieces];
            this.pieceCount = new int[pieces];
            this.pieceSums = new double[pieces];
            this.pieceNorm = new Tensor[pieces];
            int k = 0;
            for (int i = 0; i < all.size(); i++) {
                ParameterSpec s = all.get(i);
                if (overlap(s) > 0) {
                    pieceSpec[k] = i;
                    pieceStart[k] = Math.max(s.offset(), shard.start());
                    pieceCount[k] = (int) overlap(s);
                    k++;
                }
            }
        } else {
            this.m = new ParameterSet(layout, scope);
            this.v = new ParameterSet(layout, scope);
            this.mShard = null;
            this.vShard = null;
            this.pieceSpec = null;
            this.pieceStart = null;
            this.pieceCount = null;
            this.pieceSums = null;
            this.pieceNorm = null;
        }
        this.kernel = backend.adamW();
        this.reductions = backend.reductions();
        this.specs = layout.specs();
        this.pViews = new Tensor[specs.size()];
        this.gViews = new Tensor[specs.size()];
        this.mViews = new Tensor[specs.size()];
        this.vViews = new Tensor[specs.size()];
        this.sums = new double[specs.size()];
        this.normTensors = new Tensor[specs.size()];
        this.normCounts = new int[specs.size()];
    }

    /** Optimizer steps taken so far. */
    public int stepsTaken() {
        return step;
    }

    /**
     * Clips {@code grads} and updates {@code params} in place.
     *
     * @param lr the scheduled learning rate of this step (before per-tensor multipliers)
     * @return the global gradient norm before clipping
     * @throws NonFiniteGradientException naming the first non-finite tensor; nothing is changed then
     */
    public double step(ParameterSet params, ParameterSet grads, double lr) {
        if (shard.sharded()) {
            return shardStep(params, grads, lr);
        }
        double total = gradientNorm(grads);
        if (settings.maxGradNorm() > 0) {
            double coef = settings.maxGradNorm() / (total + 1e-6);
            if (coef < 1.0) {
                reductions.scale(grads.flat(), (int) grads.flat().length(), (float) coef);
            }
        }
        step++;
        for (int i = 0; i < specs.size(); i++) {
            ParameterSpec s = specs.get(i);
            if (pViews[i] == null) {
                pViews[i] = params.get(s.name());
                gViews[i] = grads.get(s.name());
                mViews[i] = m.get(s.name());
                vViews[i] = v.get(s.name());
            }
            float tensorLr = (float) (lr * parameterisation.learningRateMultiplier(s.role()));
            float wd = s.role().decayed() ? (float) settings.weightDecay() : 0f;
            kernel.update(pViews[i], gViews[i], mViews[i], vViews[i], (int) s.count(), tensorLr,
                    (float) settings.beta1(), (float) settings.beta2(), (float) settings.eps(), wd, step);
        }
        return total;
    }

    /**
     * The global L2 norm of {@code grads}. Sharded, it is a collective call (every rank must make it) over the
     * shards, which must hold the summed gradient.
     *
     * @throws NonFiniteGradientException naming the first non-finite tensor
     */
    public double gradientNorm(ParameterSet grads) {
        if (shard.sharded()) {
            return shardedNorm(grads);
        }
        double total = 0;
        for (int i = 0; i < specs.size(); i++) {
            ParameterSpec s = specs.get(i);
            normTensors[i] = grads.get(s.name());
            normCounts[i] = (int) s.count();
        }
        // One call for every tensor: a device backend answers with one copy, not one per tensor.
        reductions.sumsOfSquares(normTensors, normCounts, sums);
        for (int i = 0; i < specs.size(); i++) {
            ParameterSpec s = specs.get(i);
            if (!Double.isFinite(sums[i])) {
                throw new NonFiniteGradientException(s.name().id());
            }
            total += sums[i];
        }
        return Math.sqrt(total);
    }

    /**
     * The sharded step: clip this rank's shard by the global norm, then update each piece of a tensor inside it with
     * that tensor's learning rate and decay. Only the shard of {@code grads} is read (it must hold the summed
     * gradient) and only the shard of {@code params} is written.
     */
    private double shardStep(ParameterSet params, ParameterSet grads, double lr) {
        double total = shardedNorm(grads);
        int len = (int) shard.length();
        if (settings.maxGradNorm() > 0 && len > 0) {
            double coef = settings.maxGradNorm() / (total + 1e-6);
            if (coef < 1.0) {
                reductions.scale(grads.flat().slice(shard.start(), len), len, (float) coef);
            }
        }
        step++;
        for (int k = 0; k < pieceSpec.length; k++) {
            ParameterSpec s = specs.get(pieceSpec[k]);
            if (pViews[k] == null) {
                pViews[k] = params.flat().slice(pieceStart[k], pieceCount[k]);
                gViews[k] = grads.flat().slice(pieceStart[k], pieceCount[k]);
                mViews[k] = mShard.slice(pieceStart[k] - shard.start(), pieceCount[k]);
                vViews[k] = vShard.slice(pieceStart[k] - shard.start(), pieceCount[k]);
            }
            float tensorLr = (float) (lr * parameterisation.learningRateMultiplier(s.role()));
            float wd = s.role().decayed() ? (float) settings.weightDecay() : 0f;
            kernel.update(pViews[k], gViews[k], mViews[k], vViews[k], pieceCount[k], tensorLr,
                    (float) settings.beta1(), (float) settings.beta2(), (float) settings.eps(), wd, step);
        }
        return total;
    }

    /**
     * The global norm from the shards: each rank's per-tensor sums of squares over its pieces, all-reduced in double
     * (a collective call: every rank must make it), then added in tensor order as the unsharded norm is.
     */
    private double shardedNorm(ParameterSet grads) {
        if (pieceGrads != grads) {
            // Views made once per gradient set, not per step.
            for (int k = 0; k < pieceSpec.length; k++) {
                pieceNorm[k] = grads.flat().slice(pieceStart[k], pieceCount[k]);
            }
            pieceGrads = grads;
        }
        java.util.Arrays.fill(sums, 0.0);
        if (pieceSpec.length > 0) {
            reductions.sumsOfSquares(pieceNorm, pieceCount, pieceSums);
            for (int k = 0; k < pieceSpec.length; k++) {
                sums[pieceSpec[k]] += pieceSums[k];
            }
        }
        collective.allReduceSum(sums, 0, sums.length);
        double total = 0;
        for (int i = 0; i < specs.size(); i++) {
            if (!Double.isFinite(sums[i])) {
                throw new NonFiniteGradientException(specs.get(i).name().id());
            }
            total += sums[i];
        }
        return Math.sqrt(total);
    }

    /** Elements of tensor {@code s} inside this rank's shard. */
    private long overlap(ParameterSpec s) {
        return Math.max(0, Math.min(s.offset() + s.count(), shard.end()) - Math.max(s.offset(), shard.start()));
    }

    /** This rank's shard of the flat parameter space ({@link FlatShard#whole} when unsharded). */
    public FlatShard shard() {
        return shard;
    }

    /**
     * The first moments m, one tensor per parameter tensor (saved in checkpoints).
     *
     * @throws IllegalStateException when sharded: see {@link #firstMomentsShard()}
     */
    public ParameterSet firstMoments() {
        requireWhole();
        return m;
    }

    /**
     * The second moments v, one tensor per parameter tensor (saved in checkpoints).
     *
     * @throws IllegalStateException when sharded: see {@link #secondMomentsShard()}
     */
    public ParameterSet secondMoments() {
        requireWhole();
        return v;
    }

    /** The first moments of this rank's shard, element {@code i} being flat element {@code shard().start() + i}. */
    public Tensor firstMomentsShard() {
        return shard.sharded() ? mShard : m.flat();
    }

    /** The second moments of this rank's shard, element {@code i} being flat element {@code shard().start() + i}. */
    public Tensor secondMomentsShard() {
        return shard.sharded() ? vShard : v.flat();
    }

    private void requireWhole() {
        if (shard.sharded()) {
            throw new IllegalStateException("the optimizer is sharded over " + shard.ranks() + " ranks: this rank"
                    + " holds the moments of elements [" + shard.start() + ", " + shard.end() + ") only");
        }
    }

    /**
     * Continues from a checkpoint: sets the number of updates already taken (the bias-correction step {@code t}).
     * Load the moments into {@link #firstMoments()} and {@link #secondMoments()} as well.
     */
    public void restoreStepsTaken(int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("optimizer steps must be >= 0, found " + steps);
        }
        this.step = steps;
    }

    /** The backend the moments live on. */
    public ComputeBackend backend() {
        return backend;
    }
}
