package dev.wafer.domain.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.domain.param.MupHyperparameters;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.data.TokenBatchSource;

/** The muP random search: seeded sampling in the stated ranges, resume, the best is the minimum, a tiny run. */
class MupSearchTest {
    private static final long SEED = 20261204L;
    private static final int VOCAB = 16;

    /** A noisy counter: learnable, seeded. */
    static final class Counter implements StudyData {
        @Override
        public TokenBatchSource training(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            return (inputs, targets, batch, seq) -> fill(r, inputs, targets, batch, seq);
        }

        @Override
        public TokenBatchSource validation() {
            SplittableRandom r = new SplittableRandom(99);
            return (inputs, targets, batch, seq) -> fill(r, inputs, targets, batch, seq);
        }

        private static void fill(SplittableRandom r, int[] inputs, int[] targets, int batch, int seq) {
            for (int b = 0; b < batch; b++) {
                int t = r.nextInt(VOCAB);
                for (int i = 0; i < seq; i++) {
                    inputs[b * seq + i] = t;
                    t = (t + 1 + (r.nextInt(10) == 0 ? 1 : 0)) % VOCAB;
                    targets[b * seq + i] = t;
                }
            }
        }

        @Override
        public int vocabSize() {
            return VOCAB;
        }

        @Override
        public String description() {
            return "counter";
        }
    }

    static MupSearch.Settings settings(int samples) {
        return new MupSearch.Settings("tiny", 32, 1, 16, samples, 8 * 8 * 6, new StudyTraining(8, 8,
                dev.wafer.domain.optim.AdamWSettings.cerebras(1e-8), 0.1, 16, SEED));
    }

    @Test
    void samplingIsSeededExtendsAndStaysInTheStatedRanges() {
        List<MupHyperparameters> a = MupSearchSpace.samples(SEED, 200);
        assertEquals(a, MupSearchSpace.samples(SEED, 200), "seed " + SEED);
        assertEquals(a.subList(0, 24), MupSearchSpace.samples(SEED, 24), "a longer search extends a shorter one");
        assertFalse(a.equals(MupSearchSpace.samples(SEED + 1, 200)), "another seed, other samples");
        double[] logLr = new double[a.size()];
        for (int i = 0; i < a.size(); i++) {
            MupHyperparameters t = a.get(i);
            assertTrue(MupSearchSpace.BASE_LR.contains(t.baseLearningRate()), "seed " + SEED + ": " + t);
            assertTrue(MupSearchSpace.INIT_STD.contains(t.initStd()), "seed " + SEED + ": " + t);
            assertTrue(MupSearchSpace.EMB_MULT.contains(t.embeddingMultiplier()), "seed " + SEED + ": " + t);
            logLr[i] = Math.log10(t.baseLearningRate());
        }
        // Log-uniform over two decades centred on 6e-3: mean log10 near log10(6e-3), both decades populated.
        double mean = java.util.Arrays.stream(logLr).average().orElseThrow();
        assertEquals(Math.log10(6e-3), mean, 0.15, "seed " + SEED);
        assertTrue(java.util.Arrays.stream(logLr).filter(v -> v < Math.log10(6e-3)).count() > 70, "seed " + SEED);
        assertTrue(java.util.Arrays.stream(logLr).filter(v -> v > Math.log10(6e-3)).count() > 70, "seed " + SEED);
    }

    /** Stops a study at its first run, keeping what the run was told. */
    static final class FirstRun extends RuntimeException {
        final long index;
        final long runs;

        FirstRun(long index, long runs) {
            super(null, null, false, false);
            this.index = index;
            this.runs = runs;
        }

        static StudyListener listener() {
            return new StudyListener() {
                @Override
                public void runStarted(String label, long index, long runs, long steps) {
                    throw new FirstRun(index, runs);
                }
            };
        }
    }

    /**
     * --samples 2147483647 drew every triple before the first trained: out of memory (exit 71), and 10^9 ran minutes
     * without training. Triples are drawn as they train; finished ones are still checked before any trains.
     */
    @Test
    void aHugeSampleCountDrawsEachTripleAsItTrains() {
        List<MupHyperparameters> seeded = MupSearchSpace.samples(SEED, 3);
        List<MupSearch.Sample> finished = List.of(new MupSearch.Sample(0, seeded.get(0), 2.5, false),
                new MupSearch.Sample(2, seeded.get(2), 2.4, false));
        try (ComputeBackend backend = new ReferenceBackend()) {
            FirstRun first = assertThrows(FirstRun.class, () -> MupSearch.run(backend, new Counter(),
                    settings(Integer.MAX_VALUE), finished, s -> { }, FirstRun.listener()));
            assertEquals(1, first.index, "sample 0 is finished");
            assertEquals(Integer.MAX_VALUE, first.runs);
            List<MupSearch.Sample> forged = List.of(finished.get(0),
                    new MupSearch.Sample(2, MupHyperparameters.PAPER, 2.4, false));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MupSearch.run(backend,
                    new Counter(), settings(Integer.MAX_VALUE), forged, s -> { }, FirstRun.listener()));
            assertTrue(e.getMessage().startsWith("finished sample 2 is "), e.getMessage());
        }
    }

    @Test
    void theBestIsTheMinimumOfTheRunsThatDidNotDiverge() {
        List<MupHyperparameters> t = MupSearchSpace.samples(SEED, 4);
        List<MupSearch.Sample> s = List.of(new MupSearch.Sample(0, t.get(0), 3.1, false),
                new MupSearch.Sample(1, t.get(1), Double.NaN, true), new MupSearch.Sample(2, t.get(2), 2.7, false),
                new MupSearch.Sample(3, t.get(3), 2.9, false));
        assertEquals(Optional.of(s.get(2)), MupSearch.best(s));
        assertEquals(Optional.empty(), MupSearch.best(List.of(s.get(1))));
    }

    @Test
    void aTinySearchTrainsEverySampleAndAResumedOneSkipsTheFinished() {
        List<MupSearch.Sample> sunk = new ArrayList<>();
        MupSearch.Result full;
        try (ComputeBackend backend = new ReferenceBackend()) {
            full = MupSearch.run(backend, new Counter(), settings(3), List.of(), sunk::add, StudyListener.NONE);
        }
        assertEquals(3, full.samples().size());
        assertEquals(full.samples(), sunk, "every sample reaches the sink as it finishes");
        assertEquals(MupSearchSpace.samples(SEED, 3), full.samples().stream().map(MupSearch.Sample::triple).toList());
        assertTrue(full.heldOut());
        for (MupSearch.Sample s : full.samples()) {
            assertTrue(s.diverged() || s.loss() > 0 && s.loss() < 10, "seed " + SEED + ": " + s);
        }
        assertEquals(MupSearch.best(full.samples()), full.best());
        double min = full.samples().stream().filter(s -> !s.diverged()).mapToDouble(MupSearch.Sample::loss).min()
                .orElseThrow();
        assertEquals(min, full.best().orElseThrow().loss());
        assertTrue(new java.util.HashSet<>(full.samples().stream().map(MupSearch.Sample::loss).toList()).size() > 1,
                "different triples, different losses");

        // Resume after a partial file: sample 0 finished; only 1 and 2 are trained, and they equal the full run's.
        List<MupSearch.Sample> resumedSink = new ArrayList<>();
        MupSearch.Result resumed;
        try (ComputeBackend backend = new ReferenceBackend()) {
            resumed = MupSearch.run(backend, new Counter(), settings(3), List.of(full.samples().get(0)),
                    resumedSink::add, StudyListener.NONE);
        }
        assertEquals(full.samples().subList(1, 3), resumedSink, "seed " + SEED);
        assertEquals(full.samples(), resumed.samples());
        MupSearch.Sample forged = new MupSearch.Sample(0, MupHyperparameters.PAPER, 1.0, false);
        try (ComputeBackend backend = new ReferenceBackend()) {
            assertThrows(IllegalArgumentException.class, () -> MupSearch.run(backend, new Counter(), settings(3),
                    List.of(forged), s -> { }, StudyListener.NONE));
        }
    }
}
