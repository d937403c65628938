package dev.wafer.domain.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.MupHyperparameters;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.schedule.BatchSizeSchedule;
import dev.wafer.domain.schedule.DecayType;
import dev.wafer.domain.schedule.TrainingSchedule;
import dev.wafer.domain.schedule.WarmupDecaySchedule;
import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.ModelHeader;

/** A checkpoint records a muP run's triple; one written before the triple existed reads as the paper's values. */
class MupHeadersTest {
    private static final Path FILE = Path.of("ckpt.wafer");
    private static final ModelShape SHAPE = ModelShape.withHeads(31, 8, 2, 4, 64, 256);

    private static RunState state(double peak, MupHyperparameters mup) {
        WarmupDecaySchedule lr = WarmupDecaySchedule.paper(peak, 16, 48, DecayType.LINEAR);
        RunSpec spec = new RunSpec(SHAPE, ParameterisationKind.MUP, 8, 2,
                new TrainingSchedule(lr, BatchSizeSchedule.constant(2, 8), 64), AdamWSettings.cerebras(1e-8), 3,
                DataSpec.of(DataKind.SYNTHETIC), Precision.FP32, false, false, mup);
        return new RunState(spec, RunPosition.START);
    }

    /** The header as a release without the triple wrote it. */
    private static CheckpointHeader withoutTriple(CheckpointHeader h) {
        ModelHeader m = h.model();
        return new CheckpointHeader(new ModelHeader(m.vocab(), m.positions(), m.layers(), m.heads(), m.dModel(),
                m.dFfn(), m.parameterisation(), m.importedFrom()), h.training());
    }

    @Test
    void theTripleIsRecordedAndRestored() {
        MupHyperparameters tuned = new MupHyperparameters(1e-2, 0.05, 4);
        CheckpointHeader h = RunStateHeaders.of(state(1e-2, tuned));
        assertEquals(Optional.of(new ModelHeader.Mup(1e-2, 0.05, 4)), h.model().mup());
        assertEquals(tuned, RunStateHeaders.state(FILE, h).spec().mup());
        assertEquals(tuned, RunStateHeaders.mup(FILE, h.model()));
    }

    @Test
    void anOlderMupCheckpointReadsAsThePapersValuesAtItsPeak() {
        CheckpointHeader paper = withoutTriple(RunStateHeaders.of(state(6e-3, null)));
        assertEquals(MupHyperparameters.PAPER, RunStateHeaders.state(FILE, paper).spec().mup());
        assertEquals(MupHyperparameters.PAPER, RunStateHeaders.mup(FILE, paper.model()));
        // A run trained with --lr before the triple was recorded: its η_base was its peak.
        CheckpointHeader fast = withoutTriple(RunStateHeaders.of(state(1e-2, null)));
        assertEquals(MupHyperparameters.PAPER.withBaseLearningRate(1e-2),
                RunStateHeaders.state(FILE, fast).spec().mup());
    }

    @Test
    void aDamagedTripleIsAMalformedHeader() {
        CheckpointHeader h = RunStateHeaders.of(state(1e-2, new MupHyperparameters(1e-2, 0.05, 4)));
        ModelHeader m = h.model();
        CheckpointHeader bad = new CheckpointHeader(new ModelHeader(m.vocab(), m.positions(), m.layers(), m.heads(),
                m.dModel(), m.dFfn(), m.parameterisation(), m.importedFrom(),
                Optional.of(new ModelHeader.Mup(1e-2, -0.05, 4))), h.training());
        CheckpointException e = assertThrows(CheckpointException.class, () -> RunStateHeaders.state(FILE, bad));
        assertTrue(e.getMessage().contains("model.mup"), e.getMessage());
        CheckpointHeader mismatch = new CheckpointHeader(new ModelHeader(m.vocab(), m.positions(), m.layers(),
                m.heads(), m.dModel(), m.dFfn(), m.parameterisation(), m.importedFrom(),
                Optional.of(new ModelHeader.Mup(3e-3, 0.05, 4))), h.training());
        assertThrows(CheckpointException.class, () -> RunStateHeaders.state(FILE, mismatch));
    }
}
