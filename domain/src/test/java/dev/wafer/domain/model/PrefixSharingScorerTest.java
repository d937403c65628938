package dev.wafer.domain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.conformance.tolerance.Tolerance;
import dev.wafer.conformance.tolerance.Tolerances;
import dev.wafer.domain.eval.BatchedScoring;
import dev.wafer.domain.eval.ContextGroup;
import dev.wafer.domain.eval.ContinuationScore;
import dev.wafer.domain.eval.LoglikelihoodRequest;
import dev.wafer.domain.eval.SharedContextScorer;
import dev.wafer.domain.param.ParameterInitializer;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.MissingCapabilityException;
import dev.wafer.ports.compute.TensorScope;

/**
 * Scoring with each context run once (context pass, then continuations attending to its kept keys and values) gives
 * every request the unbatched scorer's score (one request per pass, padded to the full window), SP and muP, for
 * seeded multiple-choice documents: contexts of 1 to 14 tokens, one to five choices of 1 to 6 tokens, contexts cut
 * from the left per choice where context and choice overflow the window (so a document's choices may not share a
 * context), repeated requests. A small budget forces several calls, several continuation passes per call and the LM
 * head in chunks of 3 positions.
 */
class PrefixSharingScorerTest {
    private static final ModelShape SHAPE = ModelShape.withHeads(61, 12, 2, 2, 16, 64);
    private static final long SEED = 20261206L;

    @Test
    void scoresEqualTheUnbatchedScorerAndEachContextRunsOnce() {
        Tolerance tol = Tolerances.BATCHED_SCORING;
        for (ParameterisationKind kind : ParameterisationKind.values()) {
            try (ReferenceBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
                Parameterisation p = Parameterisations.of(kind, SHAPE);
                int t = SHAPE.seqLength();
                GptModel model = new GptModel(backend, scope, SHAPE, p, 1, t);
                ParameterInitializer.initialize(model.parameters(), p, SEED);
                GptScorer unbatched = new GptScorer(model);
                PrefixSharingScorer shared = new PrefixSharingScorer(backend, scope, model.parameters(), p, t, 2 * t,
                        3);
                List<LoglikelihoodRequest> requests = requests(new SplittableRandom(SEED), t);
                int[] calls = {0};
                int[] answered = {0};
                SharedContextScorer counting = new SharedContextScorer() {
                    @Override
                    public List<List<ContinuationScore>> scoreGroups(List<ContextGroup> groups) {
                        calls[0]++;
                        int longest = groups.stream().mapToInt(ContextGroup::contextLength).max().orElseThrow();
                        assertTrue(groups.size() * longest <= batchTokens(), "call over budget, seed " + SEED);
                        return shared.scoreGroups(groups);
                    }

                    @Override
                    public int batchTokens() {
                        return shared.batchTokens();
                    }
                };
                List<ContinuationScore> scores = BatchedScoring.scoreSharingContexts(requests, counting,
                        k -> answered[0] += k);
                assertEquals(requests.size(), answered[0], "progress must count every request");
                assertTrue(calls[0] > 1 && calls[0] < requests.size() / 4, calls[0] + " calls for "
                        + requests.size() + " requests");
                long perRequest = requests.stream().distinct().mapToLong(LoglikelihoodRequest::inputLength).sum();
                assertTrue(shared.layerPositions() < perRequest, kind + ": " + shared.layerPositions()
                        + " positions through the layers, not fewer than the " + perRequest + " of one row per"
                        + " request (seed " + SEED + ")");
                for (int i = 0; i < requests.size(); i++) {
                    ContinuationScore one = requests.get(i).scoreWith(unbatched::score);
                    ContinuationScore s = scores.get(i);
                    assertTrue(tol.accepts(one.logLikelihood(), s.logLikelihood()), kind + " seed " + SEED
                            + " request " + i + ": unbatched " + one.logLikelihood() + ", shared context "
                            + s.logLikelihood() + " (" + tol.reason() + ")");
                    assertEquals(one.greedy(), s.greedy(), kind + " seed " + SEED + " request " + i + " is_greedy");
                }
            }
        }
    }

    @Test
    void aBackendWithoutAttentionAfterAPrefixIsRefusedUpFront() {
        EnumSet<Capability> caps = EnumSet.copyOf(new ReferenceBackend().capabilities());
        caps.remove(Capability.PREFIX_ATTENTION);
        try (ReferenceBackend backend = new ReferenceBackend(caps); TensorScope scope = backend.openScope()) {
            Parameterisation p = Parameterisations.of(ParameterisationKind.SP, SHAPE);
            GptModel model = new GptModel(backend, scope, SHAPE, p, 1, SHAPE.seqLength());
            MissingCapabilityException e = assertThrows(MissingCapabilityException.class,
                    () -> new PrefixSharingScorer(backend, scope, model.parameters(), p, 12, 12));
            assertEquals(EnumSet.of(Capability.PREFIX_ATTENTION), e.missing());
        }
    }

    @Test
    void aContinuationThatOverflowsTheWindowIsRefused() {
        try (ReferenceBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            Parameterisation p = Parameterisations.of(ParameterisationKind.SP, SHAPE);
            GptModel model = new GptModel(backend, scope, SHAPE, p, 1, SHAPE.seqLength());
            PrefixSharingScorer shared = new PrefixSharingScorer(backend, scope, model.parameters(), p, 12, 24);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> shared.scoreGroups(
                    List.of(new ContextGroup(new int[10], List.of(new int[3], new int[4])))));
            assertTrue(e.getMessage().contains("12-token window"), e.getMessage());
        }
    }

    /**
     * 30 documents of one to five choices after one context; a choice's context keeps its last
     * {@code window + 1 - choice} tokens, as the request builder cuts it; every seventh document repeats its first
     * choice.
     */
    private static List<LoglikelihoodRequest> requests(SplittableRandom rnd, int window) {
        List<LoglikelihoodRequest> out = new ArrayList<>();
        for (int d = 0; d < 30; d++) {
            int[] ctx = rnd.ints(1 + rnd.nextInt(14), 0, SHAPE.vocabSize()).toArray();
            int choices = 1 + rnd.nextInt(5);
            for (int k = 0; k < choices; k++) {
                int[] cont = rnd.ints(1 + rnd.nextInt(6), 0, SHAPE.vocabSize()).toArray();
                int keep = Math.min(ctx.length, window + 1 - cont.length);
                out.add(new LoglikelihoodRequest(java.util.Arrays.copyOfRange(ctx, ctx.length - keep, ctx.length),
                        cont));
            }
            if (d % 7 == 6) {
                out.add(out.get(out.size() - choices));
            }
        }
        return out;
    }
}
