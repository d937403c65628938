package dev.wafer.domain.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.wafer.domain.schedule.DecayType;
import dev.wafer.domain.schedule.WarmupDecaySchedule;

class RunScheduleTest {
    private static final long SEQ = 2048;

    @Test
    void paperScheduleIsTheWarmupDecayCurveInSteps() {
        RunSchedule s = RunSchedule.paper(6e-4, 1525, 9037, DecayType.LINEAR, 120 * SEQ);
        WarmupDecaySchedule curve = WarmupDecaySchedule.paper(6e-4, 1525, 9037 - 1525, DecayType.LINEAR);
        for (long step : new long[] {0, 1, 1524, 1525, 5000, 9036}) {
            assertEquals(curve.lrAt(step), s.lrAt(step), 0.0, "step " + step);
        }
    }

    @Test
    void the13BBatchChangeRescalesTheStepAndKeepsTheLearningRateContinuousInTokens() {
        // reference-facts 1.2: 57000 steps at 720 sequences were reset to 38000 at 1080.
        RunSchedule bs720 = RunSchedule.paper(1.2e-4, 254, 174_335, DecayType.COSINE, 720 * SEQ);
        RunSchedule.Resumed r = bs720.rescaledTo(57_000, 1080 * SEQ);
        assertEquals(38_000, r.stepsDone());
        RunSchedule bs1080 = r.schedule();
        assertEquals(1080 * SEQ, bs1080.batchTokens());
        assertEquals(254 * 720 / 1080.0, bs1080.warmup(), 1e-9);
        // Remaining 117,335 steps of 720 = 78,223.3 of 1080, rounded up.
        assertEquals(38_000 + 78_224, bs1080.totalSteps());
        for (long done : new long[] {57_000, 60_000, 150_000}) {
            long tokens = done * 720 * SEQ;
            if (tokens % (1080 * SEQ) == 0) {
                long newStep = tokens / (1080 * SEQ);
                assertEquals(bs720.lrAt(done), bs1080.lrAt(newStep), 1e-12 * bs720.peak(), "step " + done);
            }
        }
        assertTrue(bs1080.lrAt(38_000) > bs1080.lrAt(100_000));
    }

    @Test
    void sameBatchKeepsTheScheduleAndIndivisibleTokensAreRefused() {
        RunSchedule s = RunSchedule.paper(1e-3, 10, 100, DecayType.LINEAR, 64);
        RunSchedule.Resumed same = s.rescaledTo(37, 64);
        assertEquals(37, same.stepsDone());
        assertSame(s, same.schedule());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.rescaledTo(3, 128));
        assertTrue(e.getMessage().contains("192 tokens, not a whole number of batches of 128"), e.getMessage());
        assertEquals(6, s.rescaledTo(3, 32).stepsDone());
    }
}
