package dev.wafer.domain.study;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.scaling.FlopCount;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.scaling.ParameterCount;
import dev.wafer.domain.scaling.PowerLaw;
import dev.wafer.domain.scaling.PowerLawFit;
import dev.wafer.domain.scaling.TokensPerParameterPenalty;
import dev.wafer.ports.compute.ComputeBackend;

/**
 * A compute-optimal scaling study in miniature (the paper's Figure 2 and equation 1): each model of a family is
 * trained on {@code tokensPerParameter} tokens per parameter (Appendix E counts, embeddings included), scored on the
 * held-out split, and {@code L(f) = a f^b + c} is fitted by {@link PowerLawFit} over the training FLOPs (Appendix F)
 * of those compute-optimal runs. Each model's relative deviation from the fit is the paper's Figure 5 measure.
 * Optional extra runs of one shape at other tokens per parameter are compared with equation (4)'s penalty on the
 * fitted frontier (Figure 3).
 */
public final class ScalingStudy {
    /**
     * What a scaling study trains: the family, its tokens per parameter, optional extra runs of one shape and the
     * learning rate.
     *
     * @param kind               SP or muP
     * @param sizes              the family, smallest first; at least three
     * @param tokensPerParameter tokens per parameter of the fitted runs (20 is compute-optimal)
     * @param extraShape         shape trained at the extra tokens per parameter, or null for none
     * @param extraTokensPerParameter other tokens-per-parameter values for {@code extraShape}
     * @param peakLr             peak base learning rate of every run
     * @param training           batch, sequence length, optimizer, warm-up, evaluation and seed
     */
    public record Settings(ParameterisationKind kind, List<ModelShape> sizes, double tokensPerParameter,
                           ModelShape extraShape, List<Double> extraTokensPerParameter, double peakLr,
                           StudyTraining training) {
        /**
         * Copies the lists and checks that there are at least three sizes, that tokens per parameter and the learning
         * rate are positive, and that extra runs have a shape; then, so that a study fails before it trains anything,
         * that every model has positions for the training sequence length and every run's plan ({@link #plan}) is
         * valid.
         *
         * @throws IllegalArgumentException for fewer than three sizes or non-positive rates, naming the size or the
         *                                  argument that makes a run impossible
         */
        public Settings {
            sizes = List.copyOf(sizes);
            extraTokensPerParameter = List.copyOf(extraTokensPerParameter);
            if (sizes.size() < 3) {
                throw new IllegalArgumentException("fitting a*f^b+c needs at least 3 sizes, found " + sizes.size());
            }
            if (!(tokensPerParameter > 0) || Double.isInfinite(tokensPerParameter)) {
                throw new IllegalArgumentException("tokensPerParameter must be positive and finite, found "
                        + tokensPerParameter);
            }
            if (!(peakLr > 0) || Double.isInfinite(peakLr)) {
                throw new IllegalArgumentException("peakLr must be positive and finite, found " + peakLr);
            }
            if (!extraTokensPerParameter.isEmpty() && extraShape == null) {
                throw new IllegalArgumentException("extra tokens per parameter need a shape to train");
            }
            for (double t : extraTokensPerParameter) {
                if (!(t > 0) || Double.isInfinite(t)) {
                    throw new IllegalArgumentException("extraTokensPerParameter must be positive and finite, found "
                            + t);
                }
            }
            for (ModelShape s : sizes) {
                requireRunnable(s, tokensPerParameter, training);
            }
            for (double t : extraTokensPerParameter) {
                requireRunnable(extraShape, t, training);
            }
        }

        private static void requireRunnable(ModelShape shape, double tokensPerParameter, StudyTraining training) {
            if (shape.seqLength() < training.seqLength()) {
                throw new IllegalArgumentException("size " + name(shape) + " has " + shape.seqLength()
                        + " positions, fewer than the training sequence length " + training.seqLength());
            }
            plan(shape, tokensPerParameter, training); // refuses more tokens than a run counts
            // (no warm-up check: the warm-up leaves at least one step to decay over, TrainingSchedule.warmupSteps)
        }
    }

    /**
     * One trained model.
     *
     * @param shape              its shape
     * @param params             parameters (Appendix E)
     * @param tokensPerParameter tokens per parameter asked for
     * @param tokens             tokens trained (whole steps)
     * @param steps              optimizer steps
     * @param flops              training FLOPs (Appendix F)
     * @param loss               held-out loss (else the last steps' training loss), nats per token
     * @param trainLoss          mean training loss of the last steps
     * @param predicted          the fitted law at these FLOPs (times equation 4's penalty off the fitted ratio)
     * @param deviation          {@code (loss - predicted) / predicted}
     * @param onFrontier         whether this run is one of the fitted compute-optimal runs
     * @param seconds            wall-clock training and evaluation time
     */
    public record Model(ModelShape shape, long params, double tokensPerParameter, long tokens, long steps,
                        double flops, double loss, double trainLoss, double predicted, double deviation,
                        boolean onFrontier, double seconds) {
    }

    /**
     * The outcome of a scaling study: the fitted law and every trained model with its deviation from it.
     *
     * @param settings    what was run
     * @param data        data description (corpus, tokenizer, vocabulary)
     * @param heldOut     whether losses are held-out losses
     * @param law         the fitted {@code L(f) = a f^b + c}
     * @param rmsResidual root-mean-square residual of the fit, nats per token
     * @param models      the fitted runs, then the extra runs
     */
    public record Result(Settings settings, String data, boolean heldOut, PowerLaw law, double rmsResidual,
                         List<Model> models) {
    }

    /**
     * A run's size before training.
     *
     * @param shape              the model
     * @param params             parameters (Appendix E)
     * @param tokensPerParameter tokens per parameter asked for
     * @param tokens             tokens it will train on, rounded up to whole steps
     * @param steps              optimizer steps
     * @param flops              training FLOPs (Appendix F) of those tokens
     */
    public record Plan(ModelShape shape, long params, double tokensPerParameter, long tokens, long steps,
                       double flops) {
    }

    private ScalingStudy() {
    }

    /**
     * Tokens, steps and FLOPs of training {@code shape} on {@code tokensPerParameter} tokens per parameter.
     *
     * @throws IllegalArgumentException if {@code tokensPerParameter} is not positive and finite, or gives more tokens
     *                                  than a {@code long} counts
     */
    public static Plan plan(ModelShape shape, double tokensPerParameter, StudyTraining training) {
        if (!(tokensPerParameter > 0) || Double.isInfinite(tokensPerParameter)) {
            throw new IllegalArgumentException("tokensPerParameter must be positive and finite, found "
                    + tokensPerParameter);
        }
        long params = ParameterCount.total(shape);
        double wholeSteps = Math.max(1, Math.ceil(params * tokensPerParameter / training.batchTokens()));
        if (wholeSteps * training.batchTokens() >= Long.MAX_VALUE) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "tokensPerParameter %s gives %.3g tokens"
                    + " for size %s (%,d params), more than a run can count (%d)", tokensPerParameter,
                    wholeSteps * training.batchTokens(), name(shape), params, Long.MAX_VALUE));
        }
        long steps = (long) wholeSteps;
        long tokens = steps * training.batchTokens();
        // At the sequence trained: a size with more positions (a preset's 2048) trains shorter sequences here.
        return new Plan(shape, params, tokensPerParameter, tokens, steps,
                FlopCount.trainingPerToken(shape, Math.min(shape.seqLength(), training.seqLength())) * tokens);
    }

    /**
     * A tokens-per-parameter value as it was given, for tables and progress lines: {@code 2.5}, {@code 20},
     * {@code 0.4} (until 2026-12-07 they printed it rounded to a whole number, 2.5 as 3 and 0.4 as 0).
     */
    public static String ratio(double tokensPerParameter) {
        double size = Math.abs(tokensPerParameter);
        if (size >= 1e9 || size > 0 && size < 1e-6 || !Double.isFinite(size)) {
            return String.valueOf(tokensPerParameter); // 1.0E30, not thirty digits
        }
        return java.math.BigDecimal.valueOf(tokensPerParameter).stripTrailingZeros().toPlainString();
    }

    /** A shape as the study's progress names it. */
    private static String name(ModelShape shape) {
        return "d_model " + shape.dModel() + " x " + shape.nLayers() + " layers";
    }

    /** Every run the study will make, fitted runs first. */
    public static List<Plan> plans(Settings settings) {
        List<Plan> plans = new ArrayList<>();
        for (ModelShape s : settings.sizes()) {
            plans.add(plan(s, settings.tokensPerParameter(), settings.training()));
        }
        for (double t : settings.extraTokensPerParameter()) {
            plans.add(plan(settings.extraShape(), t, settings.training()));
        }
        return List.copyOf(plans);
    }

    /**
     * Trains the family and fits the law.
     *
     * @throws IllegalStateException if fewer than three fitted runs finish with a finite loss
     */
    public static Result run(ComputeBackend backend, StudyData data, Settings settings, StudyListener listener) {
        List<Plan> plans = plans(settings);
        double[] losses = new double[plans.size()];
        double[] trainLosses = new double[plans.size()];
        double[] seconds = new double[plans.size()];
        for (int i = 0; i < plans.size(); i++) {
            Plan p = plans.get(i);
            String label = String.format(Locale.ROOT, "%s d_model %d x %d layers, %,d params, %s tokens/param",
                    settings.kind().id(), p.shape().dModel(), p.shape().nLayers(), p.params(),
                    ratio(p.tokensPerParameter()));
            listener.runStarted(label, i, plans.size(), p.steps());
            long start = System.nanoTime();
            TrainingRun.Outcome o = TrainingRun.train(backend, p.shape(), settings.kind(), settings.peakLr(),
                    p.steps(), settings.training(), data, listener);
            seconds[i] = (System.nanoTime() - start) / 1e9;
            losses[i] = o.diverged() ? Double.NaN : o.finalLoss();
            trainLosses[i] = o.trainLoss();
            listener.runFinished(label, losses[i]);
        }
        boolean heldOut = data.validation() != null
                && settings.training().evalSequences() > 0;
        return assemble(settings, data.description(), heldOut, plans, losses, trainLosses, seconds);
    }

    /**
     * Fits the law to the fitted runs' (FLOPs, loss) and scores every run against it; public so that results
     * measured elsewhere can be analysed the same way.
     *
     * @param losses      final loss of each plan, in the order of {@link #plans}; NaN for a diverged run
     * @param trainLosses training loss of each plan
     * @param seconds     wall time of each plan
     * @throws IllegalStateException if fewer than three fitted runs have a finite loss
     * @throws IllegalArgumentException if the arrays do not hold one value per plan, or there are fewer plans than
     *                                  the settings' sizes
     */
    public static Result assemble(Settings settings, String data, boolean heldOut, List<Plan> plans, double[] losses,
                                  double[] trainLosses, double[] seconds) {
        int fitted = settings.sizes().size();
        if (plans.size() < fitted || losses.length != plans.size() || trainLosses.length != plans.size()
                || seconds.length != plans.size()) {
            throw new IllegalArgumentException("assemble needs at least one plan per size (" + fitted + ") and one"
                    + " value per plan in losses, trainLosses and seconds; found " + plans.size() + " plans and "
                    + "arrays of length " + losses.length + ", " + trainLosses.length + " and " + seconds.length);
        }
        List<Double> f = new ArrayList<>();
        List<Double> l = new ArrayList<>();
        for (int i = 0; i < fitted; i++) {
            if (Double.isFinite(losses[i])) {
                f.add(plans.get(i).flops());
                l.add(losses[i]);
            }
        }
        if (f.size() < 3) {
            throw new IllegalStateException("only " + f.size() + " of " + fitted
                    + " compute-optimal runs finished with a finite loss; a fit needs 3 (lower the learning rate)");
        }
        PowerLawFit.Result fit = PowerLawFit.fit(f.stream().mapToDouble(Double::doubleValue).toArray(),
                l.stream().mapToDouble(Double::doubleValue).toArray());
        PowerLaw law = fit.law();
        List<Model> models = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            Plan p = plans.get(i);
            boolean frontier = i < fitted;
            double predicted = frontier ? law.lossAt(p.flops())
                    : law.lossAt(p.flops()) * (1 + TokensPerParameterPenalty.fraction(p.tokensPerParameter()
                    * TokensPerParameterPenalty.COMPUTE_OPTIMAL_TOKENS_PER_PARAMETER / settings.tokensPerParameter()));
            models.add(new Model(p.shape(), p.params(), p.tokensPerParameter(), p.tokens(), p.steps(), p.flops(),
                    losses[i], trainLosses[i], predicted, (losses[i] - predicted) / predicted, frontier, seconds[i]));
        }
        return new Result(settings, data, heldOut, law, fit.rmsResidual(), List.copyOf(models));
    }
}
