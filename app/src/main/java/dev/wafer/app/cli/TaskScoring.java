package dev.wafer.app.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.wafer.domain.eval.RequestScoring;
import dev.wafer.domain.model.GptScorer;
import dev.wafer.domain.model.PrefixSharingScorer;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.ComputeBackend;

/**
 * How {@code wafer eval} scores task requests, from {@code --share-contexts} and {@code --batch-tokens}: each context
 * run once for all of its continuations (the default where the backend has attention after a prefix), each request
 * as a row of a batch, or one request per pass padded to the full window. The choice and why go into the output.
 */
enum TaskScoring {
    /** {@link PrefixSharingScorer}: a context pass, then the continuations after it. */
    SHARED_CONTEXTS("shared-contexts"),
    /** {@link GptScorer#scoreBatch}: one row per distinct request. */
    BATCHED("batched"),
    /** {@link GptScorer#score}: one request per pass, padded to the window. */
    UNBATCHED("unbatched");

    /** The values {@code --share-contexts} takes. */
    enum Sharing { auto, on, off }

    private final String id;

    TaskScoring(String id) {
        this.id = id;
    }

    /**
     * The method for these flags on {@code backend}.
     *
     * @throws UserError when {@code --share-contexts on} cannot be honoured
     */
    static TaskScoring choose(Sharing sharing, int batchTokens, ComputeBackend backend) {
        boolean capable = backend.capabilities().contains(Capability.PREFIX_ATTENTION);
        if (sharing == Sharing.on && batchTokens == 0) {
            throw new UserError("--share-contexts on needs batches: --batch-tokens 0 scores one request per pass");
        }
        if (sharing == Sharing.on && !capable) {
            throw new UserError("--share-contexts on: backend '" + backend.name() + "' has no attention after a"
                    + " prefix; use --share-contexts off or the cpu backend");
        }
        if (batchTokens == 0) {
            return UNBATCHED;
        }
        return sharing != Sharing.off && capable ? SHARED_CONTEXTS : BATCHED;
    }

    /**
     * The output's {@code scoring} entry: the method, the positions the tasks ran through the decoder layers
     * (padding included), and why when sharing was wanted but the backend lacks it.
     */
    Map<String, Object> describe(Sharing sharing, ComputeBackend backend, long layerPositions) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", id);
        m.put("layer_positions", layerPositions);
        if (this == BATCHED && sharing == Sharing.auto
                && !backend.capabilities().contains(Capability.PREFIX_ATTENTION)) {
            m.put("why", "backend '" + backend.name() + "' has no attention after a prefix");
        }
        return m;
    }

    /** The scoring for {@link dev.wafer.domain.eval.TaskEvaluator}. */
    static RequestScoring scoring(TaskScoring method, GptScorer scorer, PrefixSharingScorer shared) {
        return switch (method) {
            case SHARED_CONTEXTS -> RequestScoring.sharingContexts(shared);
            case BATCHED -> RequestScoring.batched(scorer);
            case UNBATCHED -> RequestScoring.batched(scorer::score);
        };
    }
}
