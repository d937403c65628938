package dev.wafer.domain.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.model.ParameterLayout;
import dev.wafer.domain.optim.AdamW;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.optim.FlatShard;
import dev.wafer.domain.param.ParameterInitializer;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.collective.SingleProcess;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.data.TokenBatchSource;

/**
 * ZeRO stage 1 with ranks as threads: the sharded optimizer follows the unsharded data-parallel run (and one process)
 * within 1e-5 relative in every loss, with clipping active, under SP and muP (per-tensor learning rates and decay on
 * shards that cut tensors in two), and its ranks hold identical parameters.
 */
class ShardedOptimizerTest {
    private static final ModelShape SHAPE = ModelShape.withHeads(23, 8, 2, 2, 8, 32);
    private static final long SEED = 5;
    private static final int STEPS = 8;
    /** The brief's bound: float sums in another order (the norm's partial sums, the gradient's buckets). */
    private static final double RELATIVE = 1e-5;
    /** Cerebras-GPT's AdamW with the clipping threshold lowered to 0.3, below this model's gradient norms. */
    private static final AdamWSettings CLIPPED = new AdamWSettings(0.9, 0.95, 1e-8, 0.1, 0.3);

    private static TokenBatchSource data() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        return (in, tg, b, t) -> {
            for (int i = 0; i < b * t; i++) {
                in[i] = rnd.nextInt(SHAPE.vocabSize());
                tg[i] = rnd.nextInt(SHAPE.vocabSize());
            }
        };
    }

    private record Run(double[] losses, double[] norms, float[] params, float[] m, float[] v, FlatShard shard) {
    }

    private static Run train(Collective ranks, boolean sharded, ParameterisationKind kind) {
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            Parameterisation p = Parameterisations.of(kind, SHAPE);
            GptModel model = new GptModel(backend, scope, SHAPE, p, 2, 8);
            ParameterInitializer.initialize(model.parameters(), p, 7);
            AdamW adamW = new AdamW(backend, scope, model.parameters().layout(), CLIPPED, p,
                    ranks, sharded);
            Trainer trainer = new Trainer(model, adamW, data(), LearningRateSchedule.constant(2e-2), m -> { },
                    new TrainerSettings(16 * 6, 1.0, false), System::nanoTime, ranks);
            double[] losses = new double[STEPS];
            double[] norms = new double[STEPS];
            for (int s = 0; s < STEPS; s++) {
                var m = trainer.step();
                losses[s] = m.loss();
                norms[s] = m.gradNorm();
            }
            return new Run(losses, norms, model.parameters().flat().toHost(), adamW.firstMomentsShard().toHost(),
                    adamW.secondMomentsShard().toHost(), adamW.shard());
        }
    }

    private static List<Run> onThreads(int n, Function<Collective, Run> body) throws Exception {
        ThreadRanks ranks = new ThreadRanks(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Run>> runs = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                Collective c = ranks.rank(r);
                runs.add(pool.submit(() -> body.apply(c)));
            }
            List<Run> out = new ArrayList<>();
            for (Future<Run> f : runs) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shardedRanksFollowTheUnshardedRunWithClippingUnderSpAndMup() throws Exception {
        for (ParameterisationKind kind : ParameterisationKind.values()) {
            Run one = train(SingleProcess.instance(), false, kind);
            assertTrue(java.util.Arrays.stream(one.norms()).anyMatch(x -> x > 0.3),
                    kind + ": clipping must be active in some step (max norm 0.3), norms "
                            + java.util.Arrays.toString(one.norms()));
            for (int n : new int[] {2, 3}) {
                Run unsharded = onThreads(n, c -> train(c, false, kind)).get(0);
                List<Run> sharded = onThreads(n, c -> train(c, true, kind));
                Run lead = sharded.get(0);
                for (Run r : sharded) {
                    assertArrayEquals(lead.params(), r.params(), kind + ", " + n + " sharded ranks hold the same model"
                            + " (seed " + SEED + ")");
                    assertArrayEquals(lead.losses(), r.losses());
                }
                for (int s = 0; s < STEPS; s++) {
                    for (Run ref : List.of(unsharded, one)) {
                        double rel = Math.abs(lead.losses()[s] - ref.losses()[s]) / ref.losses()[s];
                        assertTrue(rel < RELATIVE, kind + ", " + n + " sharded ranks, step " + (s + 1) + ": loss "
                                + lead.losses()[s] + " vs " + ref.losses()[s] + " (relative " + rel + ")");
                    }
                }
                // The shards together are the unsharded moments (each element updated by its own tensor's rules).
                float[] m = new float[unsharded.m().length];
                float[] v = new float[unsharded.v().length];
                for (Run r : sharded) {
                    System.arraycopy(r.m(), 0, m, (int) r.shard().start(), r.m().length);
                    System.arraycopy(r.v(), 0, v, (int) r.shard().start(), r.v().length);
                }
                assertClose(unsharded.m(), m, kind + ", " + n + " ranks: first moments");
                assertClose(unsharded.v(), v, kind + ", " + n + " ranks: second moments");
                assertClose(unsharded.params(), lead.params(), kind + ", " + n + " ranks: parameters");
            }
        }
    }

    @Test
    void shardsCoverTheSpaceOnceAndCutTensors() {
        long total = new ParameterLayout(SHAPE).totalCount();
        for (int n = 1; n <= 7; n++) {
            long next = 0;
            for (int r = 0; r < n; r++) {
                FlatShard s = new FlatShard(total, n, r);
                assertEquals(next, s.start(), "shard " + r + " of " + n + " starts where the previous ended");
                assertTrue(s.length() <= s.blockSize());
                for (long i = s.start(); i < s.end(); i += Math.max(1, s.length() / 5)) {
                    assertEquals(r, s.ownerOf(i), "owner of " + i);
                }
                next = s.end();
            }
            assertEquals(total, next, n + " shards cover all " + total + " elements");
        }
        assertThrows(IllegalArgumentException.class, () -> new FlatShard(10, 2, 2));
    }

    /** Moments and parameters agree up to the norm's summation order: 1e-5 relative to the largest magnitude. */
    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 0;
        for (float x : expected) {
            scale = Math.max(scale, Math.abs(x));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], RELATIVE * scale, what + ", element " + i);
        }
    }
}
