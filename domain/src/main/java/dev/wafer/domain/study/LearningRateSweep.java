package dev.wafer.domain.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.ports.compute.ComputeBackend;

/**
 * Learning-rate transfer (the paper's section 2.4, muTransfer): every (width, peak learning rate) pair is trained
 * from the same seed for the same token budget with warm-up and linear decay, and scored by its held-out loss
 * (or, without a held-out split, the mean training loss of the last steps). Under muP the best rate should stay
 * put as width grows; under SP it should move down. A run whose loss or gradient goes non-finite is reported as
 * diverged and never chosen as best.
 */
public final class LearningRateSweep {
    /**
     * What a sweep trains: the parameterisation, the widths and peak rates crossed, the depth and the token budget.
     *
     * @param kind     SP or muP
     * @param widths   d_model values, each a multiple of {@code headDim}
     * @param lrs      peak base learning rates (muP divides the hidden tensors' rate by width/256 on top)
     * @param layers   decoder blocks
     * @param headDim  head width
     * @param tokens   training tokens per run (rounded up to whole steps)
     * @param training batch, sequence length, optimizer, warm-up, evaluation and seed
     */
    public record Settings(ParameterisationKind kind, List<Integer> widths, List<Double> lrs, int layers,
                           int headDim, long tokens, StudyTraining training) {
        /**
         * Copies the lists and checks that both are non-empty, every rate positive and finite, the layers positive and
         * the budget at least one step and at most {@link StudyTraining#maxTokens()}.
         *
         * @throws IllegalArgumentException for empty lists, non-positive rates or a budget under one step or over the
         *                                  most
         */
        public Settings {
            widths = List.copyOf(widths);
            lrs = List.copyOf(lrs);
            if (widths.isEmpty() || lrs.isEmpty() || layers < 1 || tokens < training.batchTokens()
                    || tokens > training.maxTokens()) {
                throw new IllegalArgumentException("a sweep needs widths, learning rates, layers and from one step"
                        + " of tokens (" + training.batchTokens() + ") to " + training.maxTokens() + ": " + widths
                        + " " + lrs + " " + tokens);
            }
            for (double lr : lrs) {
                if (!(lr > 0) || Double.isInfinite(lr)) {
                    throw new IllegalArgumentException("learning rates must be positive, found " + lr);
                }
            }
        }

        /** Optimizer steps per run. */
        public long steps() {
            return training.stepsFor(tokens);
        }
    }

    /**
     * One trained pair.
     *
     * @param width     d_model
     * @param params    parameters (Appendix E count)
     * @param lr        peak base learning rate
     * @param finalLoss held-out loss, else the last steps' training loss; NaN if diverged
     * @param trainLoss mean training loss of the last steps; NaN if diverged
     * @param diverged  whether training went non-finite
     */
    public record Point(int width, long params, double lr, double finalLoss, double trainLoss, boolean diverged) {
    }

    /**
     * The outcome of a sweep: every trained pair and the best rate per width.
     *
     * @param settings what was run
     * @param data     data description (corpus, tokenizer, vocabulary)
     * @param heldOut  whether {@code finalLoss} is a held-out loss (else a training loss)
     * @param tokens   tokens actually trained per run (whole steps)
     * @param points   every pair, widths outer, learning rates inner
     * @param bestLr   per width, the rate with the lowest final loss (absent if every run diverged)
     */
    public record Result(Settings settings, String data, boolean heldOut, long tokens, List<Point> points,
                         Map<Integer, Double> bestLr) {
    }

    private LearningRateSweep() {
    }

    /** Trains every pair on {@code backend} and picks the best rate per width. */
    public static Result run(ComputeBackend backend, StudyData data, Settings settings, StudyListener listener) {
        List<Point> points = new ArrayList<>();
        Map<Integer, Double> best = new LinkedHashMap<>();
        long runs = (long) settings.widths().size() * settings.lrs().size();
        long run = 0;
        long steps = settings.steps();
        for (int width : settings.widths()) {
            ModelShape shape = StudyModels.shape(width, settings.layers(), settings.headDim(), data.vocabSize(),
                    settings.training().seqLength());
            long params = dev.wafer.domain.scaling.ParameterCount.total(shape);
            double bestLoss = Double.POSITIVE_INFINITY;
            for (double lr : settings.lrs()) {
                String label = String.format(java.util.Locale.ROOT, "%s width %d, lr %.2e", settings.kind().id(),
                        width, lr);
                listener.runStarted(label, run++, runs, steps);
                TrainingRun.Outcome o = TrainingRun.train(backend, shape, settings.kind(), lr, steps,
                        settings.training(), data, listener);
                Point p = new Point(width, params, lr, o.diverged() ? Double.NaN : o.finalLoss(), o.trainLoss(),
                        o.diverged());
                points.add(p);
                listener.runFinished(label, p.finalLoss());
                if (!p.diverged() && p.finalLoss() < bestLoss) {
                    bestLoss = p.finalLoss();
                    best.put(width, lr);
                }
            }
        }
        boolean heldOut = data.validation() != null && settings.training().evalSequences() > 0;
        return new Result(settings, data.description(), heldOut, steps * settings.training().batchTokens(),
                List.copyOf(points), java.util.Collections.unmodifiableMap(best));
    }
}
