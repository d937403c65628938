package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import dev.wafer.domain.recipe.MicroBatchSizer;
import dev.wafer.domain.recipe.RunRecipe;
import dev.wafer.domain.recipe.RunRequest;
import dev.wafer.domain.session.DataKind;
import dev.wafer.domain.session.DataSpec;
import dev.wafer.domain.session.RunPosition;
import dev.wafer.domain.session.RunState;

/**
 * Ranks given another --stop-at, --max-tokens, --checkpoint-every, --underflow-report, --recompute or backend
 * describe another run, so the start-up agreement refuses them in one line; they once passed it and the job hung in
 * an all-reduce for the collective timeout (10 minutes).
 */
class RankAgreementTextTest {
    private static final MicroBatchSizer TWO = new FixedMicroBatch(2);

    private static TrainFlags flags(Long checkpointEvery, Long stopAt, Long maxTokens, Long underflow,
            boolean recompute) {
        return new TrainFlags(RunRequest.defaults(), null, null, null, checkpointEvery, stopAt, maxTokens, 8, underflow,
                false, false, false, false, false, null, recompute, false);
    }

    @Test
    void everyFlagThatChangesWhenARankTakesPartInACollectiveIsPartOfTheAgreement() {
        RunState run = new RunState(RunRecipe.fresh(RunRequest.defaults(), DataSpec.of(DataKind.SYNTHETIC), TWO),
                RunPosition.START);
        TrainFlags base = flags(null, null, null, null, false);
        String same = RankAgreementText.of(run, base, "cpu", null);
        assertEquals(same, RankAgreementText.of(run, flags(null, null, null, null, false), "cpu", null));
        assertNotEquals(same, RankAgreementText.of(run, base, "opencl", null), "backend");
        for (UnaryOperator<TrainFlags> other : java.util.List.<UnaryOperator<TrainFlags>>of(
                f -> flags(1L, null, null, null, false), f -> flags(null, 2L, null, null, false),
                f -> flags(null, null, 1000L, null, false), f -> flags(null, null, null, 1L, false),
                f -> flags(null, null, null, null, true))) {
            TrainFlags changed = other.apply(base);
            assertNotEquals(same, RankAgreementText.of(run, changed, "cpu", null), changed.toString());
        }
    }
}
