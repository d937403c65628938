package dev.wafer.domain.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import dev.wafer.domain.PaperTolerances;
import dev.wafer.domain.preset.CerebrasGptFamily;
import org.junit.jupiter.api.Test;

class ScheduleTest {
    private static final double EPS = PaperTolerances.SCHEDULE_ABSOLUTE;

    @Test
    void linearPreset111MAtWarmupEndMidDecayAndEnd() {
        TrainingSchedule s = CerebrasGptFamily.require("111M").schedule();
        assertEquals(0.0, s.lrAtStep(0), EPS);
        assertEquals(6e-4 * 100 / 1525, s.lrAtStep(100), EPS);
        assertEquals(6e-4, s.lrAtStep(1525), EPS);              // warm-up ends: decay position 0
        assertEquals(3.3e-4, s.lrAtStep(1525 + 3756), EPS);     // halfway: (6e-4 - 6e-5) / 2 + 6e-5
        assertEquals(6e-5, s.lrAtStep(9037), EPS);              // end: 10% of peak
        assertEquals(6e-5, s.lrAtStep(20_000), EPS);            // and held after
        assertEquals(9037, s.totalSteps());
    }

    @Test
    void cosinePreset13BAtWarmupEndMidDecayAndEnd() {
        TrainingSchedule s = CerebrasGptFamily.require("1.3B").schedule();
        assertEquals(2e-4, s.lrAtStep(346), EPS);
        assertEquals(1.1e-4, s.lrAtStep(346 + 11_994), EPS);    // halfway: cosine at pi/2
        // A quarter of the way: 2e-5 + 1.8e-4 * (1 + cos(pi/4)) / 2.
        assertEquals(2e-5 + 0.9e-4 * (1 + Math.sqrt(0.5)), s.lrAtStep(346 + 5997), EPS);
        assertEquals(2e-5, s.lrAtStep(346 + 23_988), EPS);
    }

    @Test
    void scheduleInStepsEqualsScheduleInTokensAtConstantBatch() {
        WarmupDecaySchedule steps = WarmupDecaySchedule.paper(1e-3, 10, 90, DecayType.COSINE);
        TrainingSchedule tokens = TrainingSchedule.ofSteps(1e-3, 10, 90, DecayType.COSINE, 4, 16, 100);
        for (long step = 0; step < 120; step++) {
            assertEquals(steps.lrAt(step), tokens.lrAtStep(step), EPS, "step " + step);
        }
    }

    @Test
    void thirteenBLearningRateIsContinuousInTokensAcrossTheBatchChange() {
        TrainingSchedule s = CerebrasGptFamily.require("13B").schedule();
        double before = s.lrAtStep(56_999);
        double at = s.lrAtStep(57_000);
        double after = s.lrAtStep(57_001);
        // Per 720-sequence step the cosine falls by less than 1e-9 here; a 1080 step falls 1.5x as far.
        assertTrue(before > at && at > after);
        assertEquals(1.5, (at - after) / (before - at), 1e-3);
        // Cerebras reset the step to 38,000 at the switch: the same tokens at batch 1080.
        assertEquals(38_000, BatchSizeSchedule.rescaleStep(57_000, 720, 1080));
        assertEquals(1.2e-5, s.lrAtStep(s.totalSteps() - 1), 1e-9);
    }

    @Test
    void rescaleRejectsPartialSteps() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchSizeSchedule.rescaleStep(57_001, 720, 1080));
        assertTrue(e.getMessage().contains("not a whole number of steps"), e.getMessage());
    }

    @Test
    void sampleIncludesStartWarmupEndAndLastStep() {
        TrainingSchedule s = CerebrasGptFamily.require("111M").schedule();
        List<TrainingSchedule.Point> points = s.sample(1000);
        assertEquals(0, points.get(0).step());
        assertTrue(points.stream().anyMatch(p -> p.step() == 1525 && Math.abs(p.lr() - 6e-4) < EPS));
        assertEquals(9036, points.get(points.size() - 1).step());
        assertEquals(9036 * 120 * 2048.0, points.get(points.size() - 1).tokens());
    }

    @Test
    void invalidSchedulesNameTheirField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WarmupDecaySchedule(1e-3, 2e-3, 0, 10, DecayType.LINEAR));
        assertTrue(e.getMessage().startsWith("end learning rate"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WarmupDecaySchedule.paper(-1, 0, 10, DecayType.LINEAR));
    }

    /** ofSteps blamed "warm-up length" or "decay length" for a bad batch; null parts were accepted. */
    @Test
    void ofStepsNamesTheArgumentThatIsWrongAndNullPartsAreRefused() {
        String[][] cases = {
            {"-8", "16", "40", "sequences must be positive, found -8"},
            {"0", "16", "40", "sequences must be positive, found 0"},
            {"8", "0", "40", "seqLength must be positive, found 0"},
            {"8", "16", "0", "totalSteps must be positive, found 0"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingSchedule.ofSteps(
                    3e-3, 4, 36, DecayType.LINEAR, Integer.parseInt(c[0]), Integer.parseInt(c[1]),
                    Long.parseLong(c[2])));
            assertEquals(c[3], e.getMessage());
        }
        assertEquals("warmupSteps must be >= 0, found -1", assertThrows(IllegalArgumentException.class,
                () -> TrainingSchedule.ofSteps(3e-3, -1, 36, DecayType.LINEAR, 8, 16, 40)).getMessage());
        assertEquals("lrInTokens", assertThrows(NullPointerException.class,
                () -> new TrainingSchedule(null, BatchSizeSchedule.constant(8, 16), 100)).getMessage());
        assertEquals("batches", assertThrows(NullPointerException.class, () -> new TrainingSchedule(
                WarmupDecaySchedule.paper(1e-3, 0, 10, DecayType.LINEAR), null, 100)).getMessage());
    }

    /**
     * train's default warm-up and the studies' share one rule: 10% rounded half up, at least one step of a run of two
     * or more, never the whole run (train floored: 19 steps warmed up over 1; the studies gave 2-4 steps none).
     */
    @Test
    void defaultWarmupRoundsHalfUpWithAtLeastOneStep() {
        long[][] cases = {{1, 0}, {2, 1}, {4, 1}, {5, 1}, {14, 1}, {15, 2}, {19, 2}, {24, 2}, {25, 3}, {1500, 150}};
        for (long[] c : cases) {
            assertEquals(c[1], TrainingSchedule.warmupSteps(c[0], 0.1), c[0] + " steps");
        }
        assertEquals(0, TrainingSchedule.warmupSteps(19, 0));
        assertEquals(9, TrainingSchedule.warmupSteps(10, 0.99), "one step is left to decay over");
        assertThrows(IllegalArgumentException.class, () -> TrainingSchedule.warmupSteps(10, 1));
        assertThrows(IllegalArgumentException.class, () -> TrainingSchedule.warmupSteps(0, 0.1));
    }

    @Test
    void sampleAndNegativeStepsNameTheirArgument() {
        TrainingSchedule s = TrainingSchedule.ofSteps(3e-3, 4, 36, DecayType.LINEAR, 8, 16, 40);
        assertEquals("every must be positive, found 0",
                assertThrows(IllegalArgumentException.class, () -> s.sample(0)).getMessage());
        BatchSizeSchedule b = BatchSizeSchedule.constant(8, 16);
        assertEquals("step must be >= 0, found -1",
                assertThrows(IllegalArgumentException.class, () -> b.sequencesAtStep(-1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.tokensPerStepAt(-1));
    }

    /** A checkpoint records a phase's start as a JSON number: an infinite start made the run's checkpoints unreadable. */
    @Test
    void aPhaseStartingAtInfinityIsRefused() {
        assertEquals("phase start must be >= 0 tokens and finite, found Infinity", assertThrows(
                IllegalArgumentException.class, () -> new BatchSizeSchedule.Phase(Double.POSITIVE_INFINITY, 4))
                .getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BatchSizeSchedule.Phase(Double.NaN, 4));
    }
}
