package dev.wafer.domain.study;

import dev.wafer.domain.session.TrainableModel;
import dev.wafer.domain.session.ModelAssembly;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.wafer.domain.model.ActivationObserver;
import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.optim.AdamW;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.scaling.FlopCount;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.train.LearningRateSchedule;
import dev.wafer.domain.train.NonFiniteTrainingException;
import dev.wafer.domain.train.Trainer;
import dev.wafer.domain.train.TrainerSettings;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.data.TokenBatchSource;

/**
 * The muP coordinate check (microsoft/mup {@code coord_check.py}; reference-facts 3.2): for each width, a fresh
 * model is trained with a constant learning rate on one fixed batch repeated for {@code steps} steps, and the mean
 * absolute value (mup's {@code l1}) of every recorded layer output is taken in the forward pass of each step, so
 * step 1 is at initialisation. Recorded: the embedding output, each block's attention and MLP outputs (before
 * their residual adds) and the logits as the loss sees them (times the output multiplier). Under correct muP the
 * hidden curves are flat in width after a few steps; under SP they grow with width. Several seeds can be averaged.
 */
public final class CoordinateCheck {
    /**
     * The most steps a check takes: every step's mean |activation| of every layer is kept for each width and written
     * to the JSON, and the check is about the first steps (microsoft/mup's coord_check plots 3 to 5; the CLI's
     * default is 10), so a count past this is a mistake; a huge one ran out of memory before training.
     */
    public static final int MAX_STEPS = 10_000;

    /**
     * What a coordinate check trains: the parameterisation, the widths, the depth, the fixed batch, the steps, the
     * learning rate and the seeds.
     *
     * @param kind     SP or muP
     * @param widths   d_model values, each a multiple of {@code headDim}
     * @param layers   decoder blocks
     * @param headDim  head width (heads grow with width, as in Cerebras-GPT)
     * @param seqLength tokens per sequence
     * @param batchSequences sequences in the fixed batch
     * @param steps    optimizer steps (t = 1 .. steps; t = 1 is at initialisation)
     * @param lr       constant base learning rate (muP scales hidden tensors' rate by 256/width on top)
     * @param seeds    initialisations averaged per width (seeds {@code seed .. seed + seeds - 1})
     * @param seed     first initialisation seed; also the seed of the fixed batch
     * @param adam     optimizer settings
     */
    public record Settings(ParameterisationKind kind, List<Integer> widths, int layers, int headDim, int seqLength,
                           int batchSequences, int steps, double lr, int seeds, long seed, AdamWSettings adam) {
        /**
         * Copies the widths and checks that they are non-empty, the counts and learning rate positive, the steps at
         * most {@link #MAX_STEPS} and the sequence length at least 2.
         *
         * @throws IllegalArgumentException for empty widths or non-positive counts
         */
        public Settings {
            widths = List.copyOf(widths);
            if (widths.isEmpty() || layers < 1 || steps < 1 || steps > MAX_STEPS || seeds < 1 || seqLength < 2
                    || batchSequences < 1 || !(lr > 0)) {
                throw new IllegalArgumentException("coordinate check needs widths, and positive layers, steps (at most "
                        + MAX_STEPS + "), seeds, batch and learning rate: " + this);
            }
        }
    }

    /**
     * The mean absolute activation of each layer at each step for one width.
     *
     * @param width    d_model
     * @param meanAbs  {@code meanAbs[t - 1][k]}: layer {@code k} of {@link Result#layers()} at step t, averaged
     *                 over seeds; NaN from the step at which a seed's run diverged
     * @param diverged why the width's training stopped early (the step and what went non-finite), empty when every
     *                 seed trained all the steps: a blow-up is what a check at a high learning rate looks for, so it
     *                 is a result, not a failure of the check
     */
    public record WidthResult(int width, double[][] meanAbs, Optional<String> diverged) {
        /** A width every seed of which trained all the steps. */
        public WidthResult(int width, double[][] meanAbs) {
            this(width, meanAbs, Optional.empty());
        }

        /**
         * Checks that {@code diverged} is given.
         *
         * @throws NullPointerException for a null {@code diverged} (empty when the width did not diverge)
         */
        public WidthResult {
            Objects.requireNonNull(diverged, "diverged");
        }
    }

    /**
     * The outcome of a coordinate check: per width, each recorded layer's mean absolute activation at each step.
     *
     * @param settings what was run
     * @param data     description of the data the fixed batch came from
     * @param layers   recorded layer names: {@code embedding}, {@code block0.attention}, {@code block0.mlp}, ...,
     *                 {@code logits}
     * @param widths   per width, in the order of the settings
     */
    public record Result(Settings settings, String data, List<String> layers, List<WidthResult> widths) {
        /** Mean |x| of {@code layer} at 1-based {@code step} for each width, in width order. */
        public double[] curve(String layer, int step) {
            int k = layers.indexOf(layer);
            if (k < 0) {
                throw new IllegalArgumentException("no layer " + layer + " in " + layers);
            }
            return widths.stream().mapToDouble(w -> w.meanAbs()[step - 1][k]).toArray();
        }
    }

    private CoordinateCheck() {
    }

    /** Layer names recorded for a model with {@code layers} blocks. */
    public static List<String> layerNames(int layers) {
        List<String> names = new ArrayList<>();
        names.add("embedding");
        for (int l = 0; l < layers; l++) {
            names.add("block" + l + ".attention");
            names.add("block" + l + ".mlp");
        }
        names.add("logits");
        return List.copyOf(names);
    }

    /**
     * Runs the check.
     *
     * @param backend  where the models run
     * @param data     source of the one fixed batch (its vocabulary sizes the models)
     * @param listener progress
     */
    public static Result run(ComputeBackend backend, StudyData data, Settings settings, StudyListener listener) {
        int n = settings.batchSequences() * settings.seqLength();
        int[] inputs = new int[n];
        int[] targets = new int[n];
        data.training(settings.seed()).next(inputs, targets, settings.batchSequences(), settings.seqLength());
        TokenBatchSource fixed = (in, tg, b, t) -> {
            System.arraycopy(inputs, 0, in, 0, n);
            System.arraycopy(targets, 0, tg, 0, n);
        };
        List<String> names = layerNames(settings.layers());
        List<WidthResult> results = new ArrayList<>();
        long runs = (long) settings.widths().size() * settings.seeds(); // as an int, 2 widths x 2^31-1 seeds was -2
        long run = 0;
        for (int width : settings.widths()) {
            ModelShape shape = StudyModels.shape(width, settings.layers(), settings.headDim(), data.vocabSize(),
                    settings.seqLength());
            double[][] sums = new double[settings.steps()][names.size()];
            Optional<String> diverged = Optional.empty();
            for (int s = 0; s < settings.seeds(); s++) {
                long seed = settings.seed() + s;
                String label = settings.kind().id() + " width " + width + " seed " + seed;
                listener.runStarted(label, run++, runs, settings.steps());
                Recorder one = trainAndRecord(backend, shape, settings, seed, fixed, listener);
                for (int t = 0; t < sums.length; t++) {
                    for (int k = 0; k < names.size(); k++) {
                        sums[t][k] += one.values[t][k] / settings.seeds();
                    }
                }
                if (one.diverged != null && diverged.isEmpty()) {
                    diverged = Optional.of((settings.seeds() > 1 ? "seed " + seed + ": " : "") + one.diverged);
                }
                listener.runFinished(label, one.lastLoss);
            }
            results.add(new WidthResult(width, sums, diverged));
        }
        return new Result(settings, data.description(), names, List.copyOf(results));
    }

    private static Recorder trainAndRecord(ComputeBackend backend, ModelShape shape, Settings settings, long seed,
                                             TokenBatchSource fixed, StudyListener listener) {
        try (TensorScope scope = backend.openScope()) {
            TrainableModel trainable = ModelAssembly.trainable(backend, scope, shape, settings.kind(),
                    settings.batchSequences(), settings.seqLength(), settings.adam());
            trainable.initialize(seed);
            GptModel model = trainable.model();
            AdamW adamW = trainable.optimizer();
            Recorder recorder = new Recorder(settings.steps(), shape.nLayers(), model.tokensPerMicroBatch()
                    * Math.max(shape.vocabSize(), shape.dFfn()));
            model.setActivationObserver(recorder);
            Trainer trainer = new Trainer(model, adamW, fixed, LearningRateSchedule.constant(settings.lr()), m -> {
                recorder.step++;
                recorder.lastLoss = m.loss();
                listener.stepDone(m);
            }, new TrainerSettings(model.tokensPerMicroBatch(), FlopCount.trainingPerToken(shape), true),
                    System::nanoTime);
            try {
                trainer.run(settings.steps());
            } catch (NonFiniteTrainingException e) {
                // The steps from the one that gave up have no activations to compare: NaN, not the zeros they hold.
                for (int t = (int) e.step() - 1; t < recorder.values.length; t++) {
                    java.util.Arrays.fill(recorder.values[t], Double.NaN);
                }
                recorder.diverged = divergence(e, settings.steps());
            }
            return recorder;
        }
    }

    /**
     * A run's blow-up in words: the steps the trainer skipped as non-finite before it gave up ({@link
     * Trainer#MAX_CONSECUTIVE_SKIPS} in a row, the check skipping as {@code train --skip-nonfinite} does) and what
     * went non-finite at the last, from the exception's message without the advice about checkpoints and learning
     * rates meant for a training run.
     */
    static String divergence(NonFiniteTrainingException e, int steps) {
        String what = e.getMessage().replaceFirst("^step \\d+: ", "");
        int advice = what.indexOf("; the last ");
        what = advice < 0 ? what : what.substring(0, advice);
        long first = Math.max(1, e.step() - Trainer.MAX_CONSECUTIVE_SKIPS + 1);
        return "diverged: steps " + first + "-" + e.step() + " of " + steps + " were non-finite (at step " + e.step()
                + ": " + what + ")";
    }

    /** Mean |x| of each observed layer into the row of the current step; one reused host buffer. */
    private static final class Recorder implements ActivationObserver {
        final double[][] values;
        final float[] buffer;
        final int layers;
        int step;
        double lastLoss = Double.NaN;
        /** Why the run stopped early, or null. */
        String diverged;

        Recorder(int steps, int layers, int maxLength) {
            this.values = new double[steps][2 * layers + 2];
            this.layers = layers;
            this.buffer = new float[maxLength];
        }

        @Override
        public void observe(Site site, int layer, Tensor tensor, int length, float multiplier) {
            int column = switch (site) {
                case EMBEDDING -> 0;
                case ATTENTION -> 1 + 2 * layer;
                case MLP -> 2 + 2 * layer;
                case LOGITS -> 1 + 2 * layers;
            };
            tensor.copyToHost(0, buffer, 0, length);
            double sum = 0;
            for (int i = 0; i < length; i++) {
                sum += Math.abs(buffer[i]);
            }
            values[step][column] = Math.abs(multiplier) * sum / length;
        }
    }
}
