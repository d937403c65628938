package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.wafer.domain.recipe.MicroBatchSizer;
import dev.wafer.domain.recipe.RunRecipe;
import dev.wafer.domain.recipe.RunRequest;
import dev.wafer.domain.session.DataKind;
import dev.wafer.domain.session.DataSpec;
import dev.wafer.domain.session.RunSpec;

/**
 * The stop step was found by walking the schedule step by step, so {@code train --steps 100000000000} waited about a
 * minute before its first step (and so did its dry run); it is now found in time independent of the step count.
 */
class StopStepTest {
    private static RunSpec spec(long steps) {
        MicroBatchSizer fixed = new FixedMicroBatch(1);
        RunRequest request = new RunRequest(null, new RunRequest.Shape(32, 1, 2, 32, 4, null), null, steps, null,
                null, null, null, null, null, null, null, true, false, false);
        return RunRecipe.fresh(request, DataSpec.of(DataKind.SYNTHETIC), fixed);
    }

    /** The step-by-step walk this replaces: the reference for the results. */
    private static long walked(RunSpec s, long startStep, Long stopAt, Long maxTokens) {
        long end = Math.min(s.totalSteps(), stopAt != null ? stopAt : Long.MAX_VALUE);
        long tokens = maxTokens != null ? maxTokens : Long.MAX_VALUE;
        long step = startStep;
        while (step < end && s.schedule().tokensBeforeStep(step) < tokens) {
            step++;
        }
        return step;
    }

    @Test
    void aHugeStepCountCostsNoTime() {
        RunSpec huge = spec(100_000_000_000L);
        // A hang guard, not a benchmark: the bisection takes milliseconds, the old step-by-step walk over a minute.
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            assertEquals(100_000_000_000L, EarlyStop.stopStep(huge, 0, null, null));
            assertEquals(100_000_000_000L, EarlyStop.stopStep(huge, 0, null, huge.totalTokens()));
            assertEquals(50_000_000_000L, EarlyStop.stopStep(huge, 7, null, huge.totalTokens() / 2));
            assertEquals(1234, EarlyStop.stopStep(huge, 0, 1234L, null));
        });
    }

    @Test
    void resultsAreTheWalksForEveryStartStopAndTokenCount() {
        // A batch that changes mid-run (4 then 6 sequences of 32 tokens from 1000 tokens on), as 13B's does.
        RunSpec base = spec(40);
        RunSpec phased = base.withBatchFrom(1000, 6, 1);
        for (RunSpec s : new RunSpec[] {base, phased}) {
            long total = s.totalTokens();
            for (long start = 0; start <= s.totalSteps(); start++) {
                for (Long stopAt : new Long[] {null, 1L, 10L, s.totalSteps() - 1, s.totalSteps()}) {
                    assertEquals(walked(s, start, stopAt, null), EarlyStop.stopStep(s, start, stopAt, null));
                    for (long tokens = 1; tokens <= total; tokens += 37) {
                        assertEquals(walked(s, start, stopAt, tokens), EarlyStop.stopStep(s, start, stopAt, tokens),
                                s + " from " + start + " stop-at " + stopAt + " max-tokens " + tokens);
                    }
                    assertEquals(walked(s, start, stopAt, total), EarlyStop.stopStep(s, start, stopAt, total));
                }
            }
        }
    }
}
