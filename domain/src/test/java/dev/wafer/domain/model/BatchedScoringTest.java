package dev.wafer.domain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.conformance.tolerance.Tolerance;
import dev.wafer.conformance.tolerance.Tolerances;
import dev.wafer.domain.eval.BatchedScoring;
import dev.wafer.domain.eval.ContinuationScore;
import dev.wafer.domain.eval.LogLikelihoodScorer;
import dev.wafer.domain.eval.LoglikelihoodRequest;
import dev.wafer.domain.param.ParameterInitializer;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.ports.compute.TensorScope;

/**
 * The batched scorer (reordered longest first, duplicates scored once, rows packed to the batch's longest input, LM
 * head only at continuation positions) gives every request the score of the unbatched scorer (one request per pass,
 * padded to the full window), for seeded requests of mixed lengths, some longer than the window (left truncation),
 * some sharing a context and some repeated.
 */
class BatchedScoringTest {
    private static final ModelShape SHAPE = ModelShape.withHeads(61, 12, 2, 2, 16, 64);
    private static final long SEED = 20261204L;
    private static final int ROWS = 3;

    @Test
    void batchedScoresEqualTheUnbatchedScorer() {
        Tolerance tol = Tolerances.BATCHED_SCORING;
        for (ParameterisationKind kind : ParameterisationKind.values()) {
            try (ReferenceBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
                Parameterisation p = Parameterisations.of(kind, SHAPE);
                int t = SHAPE.seqLength();
                GptModel model = new GptModel(backend, scope, SHAPE, p, ROWS, t);
                ParameterInitializer.initialize(model.parameters(), p, SEED);
                GptScorer scorer = new GptScorer(model);
                List<LoglikelihoodRequest> requests = requests(new SplittableRandom(SEED), t);
                int[] calls = {0};
                int[] answered = {0};
                LogLikelihoodScorer counting = new LogLikelihoodScorer() {
                    @Override
                    public ContinuationScore score(int[] context, int[] continuation) {
                        throw new AssertionError("the batched path must not score one by one");
                    }

                    @Override
                    public List<ContinuationScore> scoreBatch(List<LoglikelihoodRequest> batch) {
                        calls[0]++;
                        int longest = batch.stream().mapToInt(LoglikelihoodRequest::inputLength).max().orElseThrow();
                        assertTrue(batch.size() * longest <= batchTokens(), "batch over budget, seed " + SEED);
                        return scorer.scoreBatch(batch);
                    }

                    @Override
                    public int batchTokens() {
                        return scorer.batchTokens();
                    }
                };
                List<ContinuationScore> batched = BatchedScoring.score(requests, counting, k -> answered[0] += k);
                assertEquals(requests.size(), answered[0], "progress must count every request");
                assertTrue(calls[0] < requests.size() / 2, calls[0] + " forward passes for " + requests.size()
                        + " requests: not batched");
                for (int i = 0; i < requests.size(); i++) {
                    ContinuationScore one = requests.get(i).scoreWith(scorer::score);
                    ContinuationScore b = batched.get(i);
                    assertTrue(tol.accepts(one.logLikelihood(), b.logLikelihood()), kind + " seed " + SEED
                            + " request " + i + ": unbatched " + one.logLikelihood() + ", batched "
                            + b.logLikelihood() + " (" + tol.reason() + ")");
                    assertEquals(one.greedy(), b.greedy(), kind + " seed " + SEED + " request " + i + " is_greedy");
                }
            }
        }
    }

    /**
     * 60 requests: contexts of 1 to 20 tokens (up to 9 beyond the 12-token window, truncated from the left as the
     * harness does), continuations of 1 to 5; every fourth shares the previous context, every tenth repeats an
     * earlier request.
     */
    private static List<LoglikelihoodRequest> requests(SplittableRandom rnd, int window) {
        List<LoglikelihoodRequest> out = new ArrayList<>();
        int[] ctx = null;
        for (int i = 0; i < 60; i++) {
            if (i % 10 == 9) {
                out.add(out.get(rnd.nextInt(out.size())));
                continue;
            }
            if (ctx == null || i % 4 != 0) {
                ctx = rnd.ints(1 + rnd.nextInt(20), 0, SHAPE.vocabSize()).toArray();
            }
            int[] cont = rnd.ints(1 + rnd.nextInt(5), 0, SHAPE.vocabSize()).toArray();
            int total = ctx.length + cont.length;
            int keep = Math.min(total, window + 1);
            int[] kept = IntStream.range(total - keep, ctx.length).map(ctxIndex(ctx)).toArray();
            out.add(new LoglikelihoodRequest(kept, cont));
        }
        return out;
    }

    private static java.util.function.IntUnaryOperator ctxIndex(int[] ctx) {
        return k -> ctx[k];
    }
}
