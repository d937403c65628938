package dev.wafer.domain.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.domain.recipe.FixedMicroBatchSizer;
import dev.wafer.domain.recipe.RunRecipe;
import dev.wafer.domain.recipe.RunRequest;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.data.TokenBatchSource;

/**
 * The dry run's estimate times warmed-up steps: small models several times after several warm-up steps, within
 * time budgets that leave a large model one warm-up and one timing (the clock is a stand-in here, so these are
 * counts, not timings).
 */
class StepEstimateTest {
    /** A clock that {@code work} moves forward by {@code nanos} a run. */
    private static int runsOf(long nanos, double seconds, int max) {
        AtomicLong now = new AtomicLong();
        return StepEstimate.repeatFor(() -> now.addAndGet(nanos), now::get, seconds, max);
    }

    @Test
    void workRunsOnceAtLeastThenUntilItsBudgetOrItsCountIsSpent() {
        assertEquals(1, runsOf(3_000_000_000L, 2.0, 8), "a step longer than the budget: once, as before");
        assertEquals(4, runsOf(500_000_000L, 2.0, 8), "0.5 s steps: 0.5, 1.0, 1.5, then 2.0 s ends it");
        assertEquals(8, runsOf(1_000_000L, 2.0, 8), "1 ms steps: the count ends it");
        assertEquals(5, runsOf(1_000_000L, 2.0, StepEstimate.MAX_SAMPLES));
    }

    @Test
    void theMedianIgnoresOneSlowSample() {
        assertEquals(0.2, StepEstimate.median(List.of(0.2, 3.0, 0.19, 0.21, 0.2)), 0.0);
        assertEquals(0.25, StepEstimate.median(List.of(0.3, 0.2)), 1e-15);
        assertEquals(0.7, StepEstimate.median(List.of(0.7)), 0.0);
    }

    @Test
    void aTinyModelsEstimateCountsEveryMicroBatchAndUpdate() {
        RunRequest request = new RunRequest(null, new RunRequest.Shape(32, 1, 2, 16, 4, 64), null, 10L, null, null,
                null, null, null, null, null, 3L, true, false, false);
        RunSpec spec = RunRecipe.fresh(request, DataSpec.of(DataKind.SYNTHETIC), new FixedMicroBatchSizer(2));
        Random random = new Random(11);
        TokenBatchSource data = (inputs, targets, batch, seq) -> {
            for (int i = 0; i < batch * seq; i++) {
                inputs[i] = random.nextInt(64);
                targets[i] = random.nextInt(64);
            }
        };
        try (ReferenceBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            StepEstimate e = StepEstimate.measure(backend, scope, spec, data, System::nanoTime);
            assertTrue(e.microBatchSeconds() > 0 && e.updateSeconds() >= 0, e.toString());
            // Ten steps of two micro-batches each: twenty micro-batches and ten updates.
            assertEquals(20 * e.microBatchSeconds() + 10 * e.updateSeconds(), e.runSeconds(spec),
                    1e-12 * e.runSeconds(spec), e.toString());
        }
    }
}
