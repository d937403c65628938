package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.ports.compute.Capability;

/**
 * {@code --share-contexts} against what the backend can do: auto shares where it can and says why not where it
 * cannot, on refuses what it cannot honour, off and {@code --batch-tokens 0} keep one request per row or pass.
 */
class TaskScoringTest {
    @Test
    void theMethodFollowsTheFlagAndTheBackend() {
        try (ReferenceBackend able = new ReferenceBackend();
             ReferenceBackend unable = new ReferenceBackend(without(Capability.PREFIX_ATTENTION))) {
            assertEquals(TaskScoring.SHARED_CONTEXTS, TaskScoring.choose(TaskScoring.Sharing.auto, 512, able));
            assertEquals(TaskScoring.SHARED_CONTEXTS, TaskScoring.choose(TaskScoring.Sharing.on, 512, able));
            assertEquals(TaskScoring.BATCHED, TaskScoring.choose(TaskScoring.Sharing.off, 512, able));
            assertEquals(TaskScoring.UNBATCHED, TaskScoring.choose(TaskScoring.Sharing.auto, 0, able));
            assertEquals(TaskScoring.BATCHED, TaskScoring.choose(TaskScoring.Sharing.auto, 512, unable));
            Map<String, Object> why = TaskScoring.BATCHED.describe(TaskScoring.Sharing.auto, unable, 7);
            assertEquals("batched", why.get("method"));
            assertEquals(7L, why.get("layer_positions"));
            assertEquals("backend 'reference' has no attention after a prefix", why.get("why"));
            assertEquals(Map.of("method", "batched", "layer_positions", 7L),
                    TaskScoring.BATCHED.describe(TaskScoring.Sharing.off, able, 7));
            assertEquals(Map.of("method", "batched", "layer_positions", 7L),
                    TaskScoring.BATCHED.describe(TaskScoring.Sharing.auto, able, 7), "auto on a capable backend"
                            + " that ran batched (--batch-tokens) has no why");
            UserError e = assertThrows(UserError.class,
                    () -> TaskScoring.choose(TaskScoring.Sharing.on, 512, unable));
            assertTrue(e.getMessage().startsWith("--share-contexts on: backend 'reference' has no attention after a"
                    + " prefix"), e.getMessage());
            e = assertThrows(UserError.class, () -> TaskScoring.choose(TaskScoring.Sharing.on, 0, able));
            assertTrue(e.getMessage().contains("--batch-tokens 0"), e.getMessage());
        }
    }

    private static EnumSet<Capability> without(Capability c) {
        EnumSet<Capability> caps = EnumSet.copyOf(new ReferenceBackend().capabilities());
        caps.remove(c);
        return caps;
    }
}
