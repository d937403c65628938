package dev.wafer.domain.study;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.param.MupHyperparameters;
import dev.wafer.ports.compute.ComputeBackend;

/**
 * The paper's muP hyper-parameter search (Appendix G.2, Figure 13) in miniature: random (η_base, σ_base, m_emb)
 * triples from {@link MupSearchSpace}, each a short seeded training run of a muP proxy scored by its held-out loss
 * (else the last steps' training loss). Every run starts from the same seed, so triples differ only in the triple.
 * Resumable: samples already finished are passed in and skipped, and each new one is handed to a sink as it ends.
 */
public final class MupSearch {
    /**
     * What a muP search trains: the proxy's shape, the number of triples and the token budget per triple.
     *
     * @param proxy    the proxy's name, for reports
     * @param width    d_model of the proxy
     * @param layers   decoder blocks
     * @param headDim  head width
     * @param samples  triples to train
     * @param tokens   training tokens per sample (rounded up to whole steps)
     * @param training batch, sequence length, optimizer, warm-up, evaluation and seed (also the sampling seed)
     */
    public record Settings(String proxy, int width, int layers, int headDim, int samples, long tokens,
                           StudyTraining training) {
        /**
         * Checks that the width, layers, head width and sample count are positive, the width a multiple of the head
         * width, and the budget at least one step.
         *
         * @throws IllegalArgumentException for a non-positive size or a budget under one step
         */
        public Settings {
            if (width < 1 || layers < 1 || headDim < 1 || width % headDim != 0 || samples < 1
                    || tokens < training.batchTokens()) {
                throw new IllegalArgumentException("a muP search needs a positive width (a multiple of the head width),"
                        + " layers, samples and at least one step of tokens (" + training.batchTokens() + "): width "
                        + width + ", " + layers + " layers, " + samples + " samples, " + tokens + " tokens");
            }
        }

        /** Optimizer steps per sample. */
        public long steps() {
            return (tokens + training.batchTokens() - 1) / training.batchTokens();
        }
    }

    /**
     * One trained triple.
     *
     * @param index     position in the seeded sequence of triples (0-based)
     * @param triple    the triple
     * @param loss      held-out loss, else the last steps' training loss; NaN if diverged
     * @param diverged  whether training went non-finite
     */
    public record Sample(int index, MupHyperparameters triple, double loss, boolean diverged) {
    }

    /**
     * The outcome of a search: every trained sample and the best one.
     *
     * @param settings what was run
     * @param data     data description
     * @param heldOut  whether losses are held-out losses
     * @param samples  every sample, by index
     * @param best     the sample with the lowest loss, absent if every one diverged
     */
    public record Result(Settings settings, String data, boolean heldOut, List<Sample> samples,
                         Optional<Sample> best) {
    }

    private MupSearch() {
    }

    /**
     * Trains every sample not in {@code finished} and returns all of them.
     *
     * @param finished samples of an earlier, interrupted search with the same settings (their triples must be the
     *                 seeded ones)
     * @param onSample called with each new sample as soon as it is trained
     * @throws IllegalArgumentException when a finished sample is not the triple the seed gives at its index
     */
    public static Result run(ComputeBackend backend, StudyData data, Settings settings, List<Sample> finished,
            Consumer<Sample> onSample, StudyListener listener) {
        StudyTraining training = settings.training();
        List<MupHyperparameters> triples = MupSearchSpace.samples(training.seed(), settings.samples());
        Map<Integer, Sample> byIndex = new TreeMap<>();
        for (Sample s : finished) {
            if (s.index() < 0 || s.index() >= triples.size()) {
                continue; // a longer earlier search: its extra samples are not part of this one
            }
            if (!s.triple().equals(triples.get(s.index()))) {
                throw new IllegalArgumentException("finished sample " + s.index() + " is " + s.triple()
                        + ", but seed " + training.seed() + " gives " + triples.get(s.index()));
            }
            byIndex.put(s.index(), s);
        }
        ModelShape shape = StudyModels.shape(settings.width(), settings.layers(), settings.headDim(),
                data.vocabSize(), training.seqLength());
        long steps = settings.steps();
        for (int i = 0; i < triples.size(); i++) {
            if (byIndex.containsKey(i)) {
                continue;
            }
            MupHyperparameters t = triples.get(i);
            String label = String.format(Locale.ROOT, "sample %d: %s", i, t);
            listener.runStarted(label, i, triples.size(), steps);
            TrainingRun.Outcome o = TrainingRun.train(backend, shape, t, steps, training, data, listener);
            Sample s = new Sample(i, t, o.diverged() ? Double.NaN : o.finalLoss(), o.diverged());
            byIndex.put(i, s);
            onSample.accept(s);
            listener.runFinished(label, s.loss());
        }
        List<Sample> all = List.copyOf(new ArrayList<>(byIndex.values()));
        boolean heldOut = data.validation() != null && training.evalSequences() > 0;
        return new Result(settings, data.description(), heldOut, all, best(all));
    }

    /** The sample with the lowest loss among those that did not diverge (the lower index on a tie). */
    public static Optional<Sample> best(List<Sample> samples) {
        return samples.stream().filter(s -> !s.diverged() && Double.isFinite(s.loss()))
                .min(Comparator.comparingDouble(Sample::loss).thenComparingInt(Sample::index));
    }
}
