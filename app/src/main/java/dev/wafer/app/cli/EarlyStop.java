package dev.wafer.app.cli;

import dev.wafer.domain.session.RunSpec;
import dev.wafer.domain.session.RunState;

/**
 * A run's early end ({@code --stop-at}, {@code --max-tokens}): which values are refused, and the step this invocation
 * stops after. The run, its dry run and its progress lines all use these, so they agree.
 */
final class EarlyStop {
    private EarlyStop() {
    }

    /**
     * Refuses an early stop a resumed run has already reached: nothing would be trained; and a --stop-at past the
     * run's last step, or a --max-tokens past its total tokens, which stop nothing early (both were accepted without a
     * word). The dry run applies the same
     * checks, so that it refuses what the run refuses.
     */
    static void requireSomethingToDo(Long stopAt, Long maxTokens, RunState state) {
        long last = state.spec().totalSteps();
        if (stopAt != null && stopAt > last) {
            throw new UserError("--stop-at " + stopAt + ": past the run's last step, " + last + "; give a step up to "
                    + last + ", or leave it out to train to the end");
        }
        if (maxTokens != null && maxTokens > state.spec().totalTokens()) {
            // As --stop-at: the docs give --max-tokens an early end, not a cap, so past the end it stops nothing.
            throw new UserError("--max-tokens " + maxTokens + ": past the run's total tokens, "
                    + state.spec().totalTokens() + " (step " + last + "); give a count up to "
                    + state.spec().totalTokens() + ", or leave it out to train to the end");
        }
        if (stopAt != null && stopAt <= state.position().step()) {
            throw new UserError("--stop-at " + stopAt + ": nothing to do, the checkpoint is already at step "
                    + state.position().step());
        }
        if (maxTokens != null && maxTokens <= state.position().tokens()) {
            // Tokens count from the run's start, as --stop-at counts steps: not from this invocation's.
            throw new UserError("--max-tokens " + maxTokens + ": nothing to do, the checkpoint has already"
                    + " trained " + state.position().tokens() + " tokens (step " + state.position().step() + ")");
        }
    }

    /**
     * The step after which this invocation stops, as {@code TrainingSession.run} does: at the schedule's end, at
     * {@code stopAt}, or at the first step boundary at or past {@code maxTokens} tokens (either may be null).
     */
    static long stopStep(RunSpec s, long startStep, Long stopAt, Long maxTokens) {
        long end = Math.min(s.totalSteps(), stopAt != null ? stopAt : Long.MAX_VALUE);
        if (startStep >= end) {
            return startStep;
        }
        if (maxTokens == null) {
            return end;
        }
        // Tokens before a step never decrease with the step, so the first step at or past maxTokens is found by
        // bisection: a step-by-step walk made a run with a huge --steps wait minutes before its first step.
        long lo = startStep;
        long hi = end;
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            if (s.schedule().tokensBeforeStep(mid) >= maxTokens) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
