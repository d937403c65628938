package dev.wafer.domain.study;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
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
         * width, and the budget at least one step and at most {@link StudyTraining#maxTokens()}.
         *
         * @throws IllegalArgumentException for a non-positive size or a budget under one step or over the most
         */
        public Settings {
            if (width < 1 || layers < 1 || headDim < 1 || width % headDim != 0 || samples < 1
                    || tokens < training.batchTokens() || tokens > training.maxTokens()) {
                throw new IllegalArgumentException("a muP search needs a positive width (a multiple of the head width),"
                        + " layers, samples and from one step of tokens (" + training.batchTokens() + ") to "
                        + training.maxTokens() + ": width " + width + ", " + layers + " layers, " + samples
                        + " samples, " + tokens + " tokens");
            }
        }

        /** Optimizer steps per sample. */
        public long steps() {
            return training.stepsFor(tokens);
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
        Map<Integer, Sample> byIndex = finished(settings, finished);
        ModelShape shape = StudyModels.shape(settings.width(), settings.layers(), settings.headDim(),
                data.vocabSize(), training.seqLength());
        long steps = settings.steps();
        // Triples are drawn as they train: drawing all first held --samples of them (a huge count ran out of memory).
        Iterator<MupHyperparameters> draws = MupSearchSpace.draws(training.seed());
        for (int i = 0; i < settings.samples(); i++) {
            MupHyperparameters t = draws.next();
            if (byIndex.containsKey(i)) {
                continue;
            }
            String label = String.format(Locale.ROOT, "sample %d: %s", i, t);
            listener.runStarted(label, i, settings.samples(), steps);
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

    /**
     * The finished samples of this search by index, each checked against the seeded triple before any trains; the
     * triples are drawn up to the last finished index only.
     */
    private static Map<Integer, Sample> finished(Settings settings, List<Sample> finished) {
        long seed = settings.training().seed();
        List<Sample> ours = finished.stream()
                // a longer earlier search: its extra samples are not part of this one
                .filter(s -> s.index() >= 0 && s.index() < settings.samples())
                .sorted(Comparator.comparingInt(Sample::index)).toList();
        Map<Integer, Sample> byIndex = new TreeMap<>();
        Iterator<MupHyperparameters> draws = MupSearchSpace.draws(seed);
        MupHyperparameters drawn = null;
        int next = 0;
        for (Sample s : ours) {
            while (next <= s.index()) {
                drawn = draws.next();
                next++;
            }
            if (!s.triple().equals(drawn)) {
                throw new IllegalArgumentException("finished sample " + s.index() + " is " + s.triple()
                        + ", but seed " + seed + " gives " + drawn);
            }
            byIndex.put(s.index(), s);
        }
        return byIndex;
    }

    /** The sample with the lowest loss among those that did not diverge (the lower index on a tie). */
    public static Optional<Sample> best(List<Sample> samples) {
        return samples.stream().filter(s -> !s.diverged() && Double.isFinite(s.loss()))
                .min(Comparator.comparingDouble(Sample::loss).thenComparingInt(Sample::index));
    }
}
