package dev.wafer.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.wafer.conformance.BackendContract;
import dev.wafer.conformance.tolerance.Tolerances;
import dev.wafer.domain.eval.BatchedScoring;
import dev.wafer.domain.eval.ContinuationScore;
import dev.wafer.domain.eval.LoglikelihoodRequest;
import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.model.GptScorer;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.model.PrefixSharingScorer;
import dev.wafer.domain.param.ParameterInitializer;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.domain.session.ModelAssembly;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.TensorScope;

/**
 * Downstream scoring with each context run once ({@link PrefixSharingScorer}, the backend's attention after a
 * prefix) gives every request of seeded multiple-choice documents the score and greedy flag of the batched scorer on
 * the same backend (one row per request). Backends without {@link Capability#PREFIX_ATTENTION} skip.
 */
public interface SharedContextScoringContract extends BackendContract {
    /** Vocabulary 97, 24 positions, 2 blocks of 4 heads, width 64, FFN 256. */
    ModelShape SCORING_SHAPE = ModelShape.withHeads(97, 24, 2, 4, 64, 256);
    /** Seed of the parameters and the requests. */
    long SCORING_SEED = 20261206L;

    @ParameterizedTest(name = "{0}")
    @EnumSource(ParameterisationKind.class)
    default void sharedContextScoresEqualTheBatchedScorer(ParameterisationKind kind) {
        assumeCapable(Capability.PREFIX_ATTENTION);
        ModelShape shape = SCORING_SHAPE;
        int t = shape.seqLength();
        try (TensorScope scope = backend().openScope()) {
            GptModel model = ModelAssembly.forScoring(backend(), scope, shape, kind, 2, t);
            Parameterisation p = Parameterisations.of(kind, shape);
            ParameterInitializer.initialize(model.parameters(), p, SCORING_SEED);
            GptScorer batched = new GptScorer(model);
            PrefixSharingScorer shared = new PrefixSharingScorer(backend(), scope, model.parameters(), p, t, 2 * t);
            List<LoglikelihoodRequest> requests = new ArrayList<>();
            SplittableRandom rnd = new SplittableRandom(SCORING_SEED);
            for (int d = 0; d < 12; d++) {
                int[] ctx = rnd.ints(1 + rnd.nextInt(20), 0, shape.vocabSize()).toArray();
                for (int k = 0, n = 1 + rnd.nextInt(4); k < n; k++) {
                    int[] cont = rnd.ints(1 + rnd.nextInt(8), 0, shape.vocabSize()).toArray();
                    int keep = Math.min(ctx.length, t + 1 - cont.length);
                    requests.add(new LoglikelihoodRequest(Arrays.copyOfRange(ctx, ctx.length - keep, ctx.length),
                            cont));
                }
            }
            List<ContinuationScore> expected = BatchedScoring.score(requests, batched, k -> { });
            List<ContinuationScore> got = BatchedScoring.scoreSharingContexts(requests, shared, k -> { });
            for (int i = 0; i < requests.size(); i++) {
                String what = kind + " on " + backend().name() + ", seed " + SCORING_SEED + ", request " + i;
                assertTrue(Tolerances.BATCHED_SCORING.accepts(expected.get(i).logLikelihood(),
                        got.get(i).logLikelihood()), what + ": batched " + expected.get(i).logLikelihood()
                        + ", shared context " + got.get(i).logLikelihood() + " ("
                        + Tolerances.BATCHED_SCORING.reason() + ")");
                assertEquals(expected.get(i).greedy(), got.get(i).greedy(), what + ": is_greedy");
            }
        }
    }
}
