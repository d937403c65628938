package dev.wafer.domain.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

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
 * What a library embedder gets wrong is refused when the session is built, naming it: a null argument, or data packed
 * into sequences shorter than the run's (a short validation split used to surface only after the last step).
 */
class SessionArgumentsTest {
    private static final int SEQ = 8;
    private static final long SEED = 3;
    private static final ModelShape SHAPE = ModelShape.withHeads(29, SEQ, 1, 2, 16, 64);
    private static final Path FILE = Path.of("memory", "checkpoint");
    private static final PatternRows ROWS = PatternRows.of(20, SEQ, SHAPE.vocabSize());
    private static final PatternRows SHORT_ROWS = PatternRows.of(20, SEQ / 2, SHAPE.vocabSize());

    private static RunSpec spec() {
        return new RunSpec(SHAPE, ParameterisationKind.SP, SEQ, 2,
                TrainingSchedule.ofSteps(3e-3, 1, 3, DecayType.LINEAR, 4, SEQ, 4), AdamWSettings.cerebras(1e-8),
                SEED, DataSpec.of(DataKind.SAMPLE), Precision.FP32, false);
    }

    private static TrainingData withValidation(PatternRows validation) {
        return new TrainingData(new SequenceBatchSource(ROWS, SEED),
                Optional.of(new SequenceBatchSource(validation, 0)), "rows");
    }

    @Test
    void aValidationSplitOfShorterSequencesIsRefusedBeforeAnyStepNamingIt() {
        List<Long> steps = new ArrayList<>();
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingSession.start(
                    backend, scope, spec(), withValidation(SHORT_ROWS), SessionOptions.defaults(),
                    r -> steps.add(r.metrics().step())).run());
            assertEquals("the validation split's sequences are 4 tokens, shorter than the run's sequence length 8"
                    + " (RunSpec.seqLength); pack the validation split into sequences of 8 tokens or more"
                    + " (TokenSequences.sequenceLength)", e.getMessage());
            assertEquals(List.of(), steps, "refused before training");
            // A split the options do not score is no reason to refuse the run.
            RunOutcome unscored = TrainingSession.start(backend, scope, spec(), withValidation(SHORT_ROWS),
                    SessionOptions.defaults().validationBatches(0), r -> { }).run();
            assertTrue(unscored.complete() && unscored.validation().isEmpty());
        }
    }

    @Test
    void aResumeRefusesAShortValidationSplitAndAStartAShortTrainingSource() {
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        SessionOptions options = SessionOptions.defaults().checkpointTo(new Checkpointing(store, FILE, 0));
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            TrainingSession.start(backend, scope, spec(), withValidation(ROWS), options.stopAt(1), r -> { }).run();
            TrainingData shortTrain = new TrainingData(new SequenceBatchSource(SHORT_ROWS, SEED), Optional.empty(),
                    "rows");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingSession.start(
                    backend, scope, spec(), shortTrain, options, r -> { }));
            assertTrue(e.getMessage().startsWith("the training source's sequences are 4 tokens"), e.getMessage());
        }
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope();
                CheckpointReader reader = store.open(FILE)) {
            RunState state = RunStateHeaders.state(FILE, reader.header());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingSession.resume(
                    backend, scope, state, reader, withValidation(SHORT_ROWS), options, r -> { }));
            assertTrue(e.getMessage().startsWith("the validation split's sequences are 4 tokens"), e.getMessage());
        }
    }

    @Test
    void nullArgumentsAreRefusedAtTheEntryNamingTheParameter() {
        TrainingData data = withValidation(ROWS);
        SessionOptions o = SessionOptions.defaults();
        SessionListener l = r -> { };
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        try (ComputeBackend b = new ReferenceBackend(); TensorScope s = b.openScope()) {
            RunSpec spec = spec();
            refusesNull("backend", () -> TrainingSession.start(null, s, spec, data, o, l));
            refusesNull("scope", () -> TrainingSession.start(b, null, spec, data, o, l));
            refusesNull("spec", () -> TrainingSession.start(b, s, null, data, o, l));
            refusesNull("data", () -> TrainingSession.start(b, s, spec, null, o, l));
            refusesNull("options", () -> TrainingSession.start(b, s, spec, data, null, l));
            refusesNull("listener", () -> TrainingSession.start(b, s, spec, data, o, null));
            TrainingSession.start(b, s, spec, data, o.checkpointTo(new Checkpointing(store, FILE, 0)).stopAt(1), l)
                    .run();
        }
        try (ComputeBackend b = new ReferenceBackend(); TensorScope s = b.openScope();
                CheckpointReader reader = store.open(FILE)) {
            RunState state = RunStateHeaders.state(FILE, reader.header());
            refusesNull("state", () -> TrainingSession.resume(b, s, null, reader, data, o, l));
            refusesNull("checkpoint", () -> TrainingSession.resume(b, s, state, null, data, o, l));
            refusesNull("listener", () -> TrainingSession.resume(b, s, state, reader, data, o, null));
            refusesNull("backend", () -> TrainingSession.resume(null, s, state, reader, data, o, l));
        }
        refusesNull("sequences", () -> new SequenceBatchSource(null, SEED));
    }

    private static void refusesNull(String parameter, Executable call) {
        NullPointerException e = assertThrows(NullPointerException.class, call, parameter);
        assertEquals(parameter, e.getMessage());
    }

    /**
     * Data whose vocabulary is larger than the model's is refused before any step, naming both sizes (until
     * 2026-12-08 the run trained until a batch drew an id past the model's, then failed there on every resume).
     */
    @Test
    void dataWithALargerVocabularyThanTheModelsIsRefusedBeforeAnyStep() {
        List<Long> steps = new ArrayList<>();
        PatternRows wide = PatternRows.of(20, SEQ, SHAPE.vocabSize() + 71);
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            TrainingData data = new TrainingData(new SequenceBatchSource(wide, SEED), Optional.empty(), "rows");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingSession.start(
                    backend, scope, spec(), data, SessionOptions.defaults(), r -> steps.add(r.metrics().step())));
            assertEquals("the training source has a vocabulary of 100 ids but the model's is 29"
                    + " (ModelShape.vocabSize); build the model with a vocabulary of 100 or more, as the data's"
                    + " tokenizer needs", e.getMessage());
            IllegalArgumentException v = assertThrows(IllegalArgumentException.class, () -> TrainingSession.start(
                    backend, scope, spec(), withValidation(wide), SessionOptions.defaults(), r -> { }));
            assertTrue(v.getMessage().startsWith("the validation split has a vocabulary of 100 ids"), v.getMessage());
            assertEquals(List.of(), steps, "refused before training");
        }
    }

    @Test
    void aBatchSourceRefusesArraysTooShortForTheBatch() {
        SequenceBatchSource source = new SequenceBatchSource(ROWS, SEED);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> source.next(new int[SEQ], new int[2 * SEQ], 2, SEQ));
        assertEquals("inputs and targets must hold batch x seq = 16 ids, found 8 and 16", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> source.next(new int[0], new int[0], -1, SEQ));
        assertEquals(0, source.position(), "nothing was drawn");
    }
}
