package dev.wafer.domain.optim;

import java.util.List;

import dev.wafer.domain.model.ParameterLayout;
import dev.wafer.domain.model.ParameterSet;
import dev.wafer.domain.model.ParameterSpec;
import dev.wafer.domain.param.Parameterisation;
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

    /** Allocates the moments (zero) for {@code layout}. */
    public AdamW(ComputeBackend backend, TensorScope scope, ParameterLayout layout, AdamWSettings settings,
                 Parameterisation parameterisation) {
        backend.require(java.util.EnumSet.of(Capability.ADAMW, Capability.REDUCTIONS));
        this.backend = backend;
        this.settings = settings;
        this.parameterisation = parameterisation;
        this.m = new ParameterSet(layout, scope);
        this.v = new ParameterSet(layout, scope);
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
     * The global L2 norm of {@code grads}.
     *
     * @throws NonFiniteGradientException naming the first non-finite tensor
     */
    public double gradientNorm(ParameterSet grads) {
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

    /** The first moments m, one tensor per parameter tensor (saved in checkpoints). */
    public ParameterSet firstMoments() {
        return m;
    }

    /** The second moments v, one tensor per parameter tensor (saved in checkpoints). */
    public ParameterSet secondMoments() {
        return v;
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
