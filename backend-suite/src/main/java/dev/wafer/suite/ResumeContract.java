package dev.wafer.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.wafer.conformance.BackendContract;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.session.Checkpointing;
import dev.wafer.domain.session.InMemoryCheckpointStore;
import dev.wafer.domain.session.RunOutcome;
import dev.wafer.domain.session.RunSpec;
import dev.wafer.domain.session.RunState;
import dev.wafer.domain.session.RunStateHeaders;
import dev.wafer.domain.session.StepReport;
import dev.wafer.domain.session.TrainingSession;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.suite.support.PatternBatches;
import dev.wafer.suite.support.SuiteRuns;

/**
 * Exact resume on the backend: the 20-step run stopped at step 10 (checkpoints at 5 and 10: parameters and AdamW
 * moments copied off the device) and resumed in a fresh scope (copied back) gives every later loss and the final
 * parameters bit for bit as the uninterrupted run on the same backend. A moment or parameter that lost bits on the
 * way to or from the device, or device state that a checkpoint misses, fails it.
 */
public interface ResumeContract extends BackendContract {
    /** Where the in-memory store keeps the checkpoint. */
    Path RESUME_FILE = Path.of("resume-contract.ckpt");
    /** The optimizer step the first session stops at. */
    int STOP_AT = 10;

    @ParameterizedTest(name = "{0}")
    @EnumSource(ParameterisationKind.class)
    default void aStoppedAndResumedRunMatchesTheUninterruptedOneBitForBit(ParameterisationKind kind) {
        ComputeBackend backend = backend();
        RunSpec spec = SuiteRuns.twentySteps(kind);
        List<StepReport> full = new ArrayList<>();
        float[] fullParams;
        try (TensorScope scope = backend.openScope()) {
            TrainingSession s = TrainingSession.start(backend, scope, spec, data(), SuiteRuns.noValidation(),
                    SuiteRuns.collect(full));
            s.run();
            fullParams = s.model().model().parameters().flat().toHost();
        }
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        List<StepReport> resumed = new ArrayList<>();
        try (TensorScope scope = backend.openScope()) {
            RunOutcome first = TrainingSession.start(backend, scope, spec, data(), SuiteRuns.noValidation()
                    .checkpointTo(new Checkpointing(store, RESUME_FILE, 5)).stopAt(STOP_AT),
                    SuiteRuns.collect(resumed)).run();
            assertFalse(first.complete(), backend.name() + ": the first session stops at step " + STOP_AT);
        }
        assertEquals(2, store.saves(), backend.name() + ": checkpoints at steps 5 and 10");
        float[] resumedParams;
        try (TensorScope scope = backend.openScope(); CheckpointReader reader = store.open(RESUME_FILE)) {
            RunState state = RunStateHeaders.state(RESUME_FILE, reader.header());
            TrainingSession s = TrainingSession.resume(backend, scope, state, reader, data(),
                    SuiteRuns.noValidation(), SuiteRuns.collect(resumed));
            s.run();
            resumedParams = s.model().model().parameters().flat().toHost();
        }
        assertArrayEquals(SuiteRuns.losses(full), SuiteRuns.losses(resumed),
                backend.name() + " " + kind + ": losses of the resumed run (seed " + SuiteRuns.TWENTY_STEP_SEED + ")");
        assertArrayEquals(fullParams, resumedParams, backend.name() + " " + kind + ": final parameters");
    }

    private static dev.wafer.domain.session.TrainingData data() {
        return SuiteRuns.data(new PatternBatches(SuiteRuns.TWENTY_STEP_SHAPE.vocabSize(),
                SuiteRuns.TWENTY_STEP_DATA_SEED));
    }
}
