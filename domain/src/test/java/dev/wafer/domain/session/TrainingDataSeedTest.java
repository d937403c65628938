package dev.wafer.domain.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.domain.data.SequenceBatchSource;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.schedule.DecayType;
import dev.wafer.domain.schedule.TrainingSchedule;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;

/**
 * {@code RunSpec.seed} is the seed of the data order too: a session refuses a training source seeded otherwise, at
 * the start and on resume, so that a resumed run cannot silently read other batches than the run it continues.
 */
class TrainingDataSeedTest {
    private static final int VALIDATION_STORED = 4;
    private static final int SEQ = 8;
    private static final long SEED = 1;
    private static final ModelShape SHAPE = ModelShape.withHeads(29, SEQ, 1, 2, 16, 64);
    private static final Path FILE = Path.of("memory", "checkpoint");

    /** 20 rows, each a pattern of its index. */
    private static final PatternRows ROWS = PatternRows.of(20, SEQ, SHAPE.vocabSize());

    private static RunSpec spec() {
        return new RunSpec(SHAPE, ParameterisationKind.SP, SEQ, 2,
                TrainingSchedule.ofSteps(3e-3, 1, 3, DecayType.LINEAR, 4, SEQ, 4), AdamWSettings.cerebras(1e-8),
                SEED, DataSpec.of(DataKind.SAMPLE), Precision.FP32, false);
    }

    private static TrainingData data(long seed) {
        return new TrainingData(new SequenceBatchSource(ROWS, seed), Optional.empty(), "rows");
    }

    @Test
    void aNewRunRefusesDataOrderedByAnotherSeedNamingBoth() {
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingSession.start(
                    backend, scope, spec(), data(7), SessionOptions.defaults(), r -> { }));
            assertTrue(e.getMessage().contains("order seed 7") && e.getMessage().contains("run's seed 1")
                    && e.getMessage().contains("RunSpec.seed"), e.getMessage());
        }
    }

    @Test
    void aResumeRefusesDataOrderedByAnotherSeedThanTheCheckpoints() {
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        SessionOptions options = SessionOptions.defaults().validationBatches(0)
                .checkpointTo(new Checkpointing(store, FILE, 0));
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            RunOutcome o = TrainingSession.start(backend, scope, spec(), data(SEED), options.stopAt(2), r -> { })
                    .run();
            assertEquals(2, o.state().position().step());
        }
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope();
                CheckpointReader reader = store.open(FILE)) {
            RunState state = RunStateHeaders.state(FILE, reader.header());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingSession.resume(
                    backend, scope, state, reader, data(SEED + 1), options, r -> { }));
            assertTrue(e.getMessage().contains("order seed 2") && e.getMessage().contains("run's seed 1"),
                    e.getMessage());
            RunOutcome resumed = TrainingSession.resume(backend, scope, state, reader, data(SEED), options, r -> { })
                    .run();
            assertTrue(resumed.complete());
        }
    }

    /** The default options score each sequence of a small split once (3 scored as 64 with wrap-around before). */
    @Test
    void theDefaultOptionsScoreEachValidationSequenceOnce() {
        TrainingData data = new TrainingData(new SequenceBatchSource(ROWS, SEED),
                Optional.of(new SequenceBatchSource(ROWS.shiftedBy(3, VALIDATION_STORED), 0)), "rows");
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            RunOutcome o = TrainingSession.start(backend, scope, spec(), data, SessionOptions.defaults(), r -> { })
                    .run();
            // The last stored sequence only supplies a target: 3 of the 4 are scored.
            assertEquals((VALIDATION_STORED - 1) * SEQ, o.validation().orElseThrow().tokens());
        }
    }
}
