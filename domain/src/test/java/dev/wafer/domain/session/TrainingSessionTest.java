package dev.wafer.domain.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.schedule.BatchSizeSchedule;
import dev.wafer.domain.schedule.DecayType;
import dev.wafer.domain.schedule.TrainingSchedule;
import dev.wafer.domain.schedule.WarmupDecaySchedule;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.data.ResumableBatchSource;

/**
 * The training use case on the reference backend: the schedule is applied by tokens across a batch-size change,
 * a stopped and resumed session matches an uninterrupted one bit for bit, and validation is scored at the end.
 */
class TrainingSessionTest {
    private static final long SEED = 11;
    private static final int SEQ = 8;
    private static final ModelShape SHAPE = ModelShape.withHeads(29, SEQ, 1, 2, 16, 64);
    private static final Path FILE = Path.of("memory", "checkpoint");

    /** A deterministic, seekable source: sequence i is a fixed pattern of its index. */
    private static final class PatternSource implements ResumableBatchSource {
        private long position;

        @Override
        public long position() {
            return position;
        }

        @Override
        public void seek(long newPosition) {
            position = newPosition;
        }

        @Override
        public void next(int[] inputs, int[] targets, int batch, int seq) {
            for (int b = 0; b < batch; b++) {
                long s = position++;
                int tok = (int) ((s * 7 + SEED) % SHAPE.vocabSize());
                for (int i = 0; i < seq; i++) {
                    inputs[b * seq + i] = tok;
                    tok = (tok * 5 + 3) % SHAPE.vocabSize();
                    targets[b * seq + i] = tok;
                }
            }
        }
    }

    /** 4 sequences per step for the first 96 tokens (3 steps), then 8 sequences: a 13B-style batch change. */
    private static RunSpec spec() {
        BatchSizeSchedule batches = BatchSizeSchedule.phased(SEQ, List.of(new BatchSizeSchedule.Phase(0, 4),
                new BatchSizeSchedule.Phase(96, 8)));
        WarmupDecaySchedule lr = WarmupDecaySchedule.paper(3e-3, 64, 320, DecayType.COSINE);
        return new RunSpec(SHAPE, ParameterisationKind.MUP, SEQ, 2, new TrainingSchedule(lr, batches, 384),
                AdamWSettings.cerebras(1e-8), SEED, DataSpec.of(DataKind.SYNTHETIC), Precision.FP32, false);
    }

    private static TrainingData data() {
        return new TrainingData(new PatternSource(), Optional.of(new PatternSource()), "pattern");
    }

    private static final class Collect implements SessionListener {
        final List<StepReport> steps = new ArrayList<>();

        @Override
        public void stepped(StepReport report) {
            steps.add(report);
        }
    }

    @Test
    void learningRateAndBatchFollowTheTokenScheduleAcrossTheBatchChange() {
        RunSpec spec = spec();
        // 3 steps of 32 tokens, then (384 - 96) / 64 = 4.5 -> 5 steps of 64.
        assertEquals(8, spec.totalSteps());
        Collect c = new Collect();
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            RunOutcome outcome = TrainingSession.start(backend, scope, spec, data(), SessionOptions.defaults(), c)
                    .run();
            assertTrue(outcome.complete());
            assertTrue(outcome.validation().isPresent(), "validation is scored after a complete run");
        }
        long tokens = 0;
        for (int i = 0; i < c.steps.size(); i++) {
            StepReport r = c.steps.get(i);
            long batch = i < 3 ? 32 : 64;
            tokens += batch;
            assertEquals(i + 1, r.metrics().step());
            assertEquals(batch, r.batchTokens(), "step " + (i + 1));
            assertEquals(batch / 16, r.microBatches(), "step " + (i + 1));
            assertEquals(tokens, r.tokens(), "step " + (i + 1));
            assertEquals(spec.schedule().lrAtStep(i), r.metrics().learningRate(), 0.0, "step " + (i + 1));
            assertEquals(spec.schedule().lrInTokens().lrAt(tokens - batch), r.metrics().learningRate(), 0.0);
        }
        assertEquals(8, c.steps.size());
    }

    @Test
    void stoppedAndResumedSessionMatchesTheUninterruptedOneBitForBit() {
        Collect full = new Collect();
        float[] fullParams;
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            TrainingSession s = TrainingSession.start(backend, scope, spec(), data(), SessionOptions.defaults(), full);
            s.run();
            fullParams = s.model().model().parameters().flat().toHost();
        }
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        Collect first = new Collect();
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            SessionOptions stopEarly = SessionOptions.defaults().checkpointTo(new Checkpointing(store, FILE, 2))
                    .stopAt(4);
            RunOutcome o = TrainingSession.start(backend, scope, spec(), data(), stopEarly, first).run();
            assertFalse(o.complete());
            assertTrue(o.validation().isEmpty());
            assertEquals(new RunPosition(4, 160, 4, 20), o.state().position());
        }
        assertEquals(2, store.saves(), "checkpoints at steps 2 and 4");
        Collect rest = new Collect();
        float[] resumedParams;
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope();
                CheckpointReader reader = store.open(FILE)) {
            RunState state = RunStateHeaders.state(FILE, reader.header());
            assertEquals(spec(), state.spec().withData(state.spec().data()));
            TrainingSession s = TrainingSession.resume(backend, scope, state, reader, data(),
                    SessionOptions.defaults(), rest);
            s.run();
            resumedParams = s.model().model().parameters().flat().toHost();
        }
        List<Double> expected = full.steps.stream().map(r -> r.metrics().loss()).toList();
        List<Double> actual = new ArrayList<>(first.steps.stream().map(r -> r.metrics().loss()).toList());
        actual.addAll(rest.steps.stream().map(r -> r.metrics().loss()).toList());
        assertEquals(expected, actual, "seed " + SEED);
        assertArrayEquals(fullParams, resumedParams, "seed " + SEED);
    }

    @Test
    void maxTokensStopsAtTheFirstStepBoundaryAtOrPastTheLimit() {
        Collect c = new Collect();
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            RunOutcome o = TrainingSession.start(backend, scope, spec(), data(), SessionOptions.defaults()
                    .maxTokens(100), c).run();
            assertEquals(4, o.state().position().step());
            assertEquals(160, o.state().position().tokens());
        }
    }

    @Test
    void aBatchChangeOnResumeKeepsEarlierPhasesAndTheLearningRateInTokens() {
        RunSpec changed = spec().withBatchFrom(160, 2);
        assertEquals(List.of(new BatchSizeSchedule.Phase(0, 4), new BatchSizeSchedule.Phase(96, 8),
                new BatchSizeSchedule.Phase(160, 2)), changed.schedule().batches().phases());
        assertEquals(160, changed.schedule().tokensBeforeStep(4));
        assertEquals(spec().schedule().lrAtStep(4), changed.schedule().lrAtStep(4), 0.0);
        // The remaining 224 tokens take 14 steps of 16 tokens.
        assertEquals(4 + 14, changed.totalSteps());
    }

    @Test
    void aStopAskedForDuringTheLastStepIsNoInterruption() {
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            // A signal that arrives during step 8 of 8 (or the --stop-at step): the run ended as it would have.
            RunOutcome last = TrainingSession.start(backend, scope, spec(), data(), SessionOptions.defaults()
                    .stopWhen(() -> true).stopAt(1), new Collect()).run();
            assertFalse(last.interrupted(), "stopped at its own --stop-at step");
            RunOutcome early = TrainingSession.start(backend, scope, spec(), data(), SessionOptions.defaults()
                    .stopWhen(() -> true), new Collect()).run();
            assertTrue(early.interrupted());
            assertEquals(1, early.state().position().step());
        }
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            int[] steps = {0};
            SessionListener c = report -> steps[0]++;
            RunOutcome whole = TrainingSession.start(backend, scope, spec(), data(), SessionOptions.defaults()
                    .stopWhen(() -> steps[0] == 8), c).run();
            assertFalse(whole.interrupted(), "a stop asked for during the final step");
            // Training ended as it would have; the validation after it is not worth keeping the machine for.
            assertTrue(whole.complete() && whole.validation().isEmpty() && whole.validationStopped());
        }
    }

    @Test
    void aStopAskedForDuringTheValidationLeavesItUnscored() {
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            // Polled once after each of the 8 steps, then before each validation micro-batch: true at the second.
            int[] polls = {0};
            RunOutcome o = TrainingSession.start(backend, scope, spec(), data(), SessionOptions.defaults()
                    .stopWhen(() -> ++polls[0] > 9), new Collect()).run();
            assertTrue(o.complete() && !o.interrupted());
            assertTrue(o.validationStopped() && o.validation().isEmpty(), o.toString());
            assertEquals(10, polls[0], "stopped at the first poll after the stop");
            RunOutcome scored = TrainingSession.start(backend, scope, spec(), data(), SessionOptions.defaults(),
                    new Collect()).run();
            assertTrue(scored.validation().isPresent() && !scored.validationStopped());
        }
    }

    @Test
    void aNewRunOnDataAnEarlierRunReadTrainsAndValidatesOnItsStartAgain() {
        TrainingData shared = data();
        RunOutcome first;
        RunOutcome second;
        Collect a = new Collect();
        Collect b = new Collect();
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            first = TrainingSession.start(backend, scope, spec(), shared, SessionOptions.defaults(), a).run();
        }
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            second = TrainingSession.start(backend, scope, spec(), shared, SessionOptions.defaults(), b).run();
        }
        assertEquals(a.steps.stream().map(r -> r.metrics().loss()).toList(),
                b.steps.stream().map(r -> r.metrics().loss()).toList(), "the second run trains on the same batches");
        assertEquals(first.state(), second.state());
        assertEquals(first.validation(), second.validation(), "the validation split is scored from its start");
    }

    private static List<Double> losses(Collect c) {
        return c.steps.stream().map(r -> r.metrics().loss()).toList();
    }

    /** Built both, then run in turn: the second reads from the start, not from where the first ended. */
    @Test
    void sessionsBuiltOnSharedDataBeforeEitherRunsEachTrainFromTheStart() {
        Collect alone = new Collect();
        RunOutcome reference;
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            reference = TrainingSession.start(backend, scope, spec(), data(), SessionOptions.defaults(), alone).run();
        }
        TrainingData shared = data();
        Collect a = new Collect();
        Collect b = new Collect();
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            TrainingSession one = TrainingSession.start(backend, scope, spec(), shared, SessionOptions.defaults(), a);
            TrainingSession two = TrainingSession.start(backend, scope, spec(), shared, SessionOptions.defaults(), b);
            RunOutcome first = one.run();
            RunOutcome second = two.run();
            assertEquals(reference.state(), first.state());
            assertEquals(reference.state(), second.state(), "the data position a checkpoint would record");
            assertEquals(reference.validation(), second.validation());
        }
        assertEquals(losses(alone), losses(a), "seed " + SEED);
        assertEquals(losses(alone), losses(b), "seed " + SEED);
    }

    /** A resumed session built before a new one on the same data still continues exactly. */
    @Test
    void aResumedSessionBuiltBeforeANewOneOnSharedDataStaysExact() {
        Collect full = new Collect();
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            TrainingSession.start(backend, scope, spec(), data(), SessionOptions.defaults(), full).run();
        }
        TrainingData shared = data();
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        Collect parts = new Collect();
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            TrainingSession.start(backend, scope, spec(), shared, SessionOptions.defaults()
                    .checkpointTo(new Checkpointing(store, FILE, 0)).stopAt(4), parts).run();
        }
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope();
                CheckpointReader reader = store.open(FILE)) {
            RunState state = RunStateHeaders.state(FILE, reader.header());
            TrainingSession resumed = TrainingSession.resume(backend, scope, state, reader, shared,
                    SessionOptions.defaults(), parts);
            TrainingSession other = TrainingSession.start(backend, scope, spec(), shared,
                    SessionOptions.defaults().stopAt(1), new Collect());
            resumed.run();
            other.run();
        }
        assertEquals(losses(full), losses(parts), "seed " + SEED);
    }
}
