package dev.wafer.domain.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.optim.AdamW;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterInitializer;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.collective.SingleProcess;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.data.TokenBatchSource;

/** The data-parallel step with ranks as threads: same losses as one process, identical parameters on every rank. */
class DataParallelTrainerTest {
    private static final ModelShape SHAPE = ModelShape.withHeads(23, 8, 2, 2, 8, 32);
    private static final long SEED = 5;

    private static TokenBatchSource data() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        return (in, tg, b, t) -> {
            for (int i = 0; i < b * t; i++) {
                in[i] = rnd.nextInt(SHAPE.vocabSize());
                tg[i] = rnd.nextInt(SHAPE.vocabSize());
            }
        };
    }

    private record Run(double[] losses, float[] params) {
    }

    private static Run train(Collective ranks, int steps) {
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            Parameterisation p = Parameterisations.of(ParameterisationKind.SP, SHAPE);
            GptModel model = new GptModel(backend, scope, SHAPE, p, 2, 8);
            ParameterInitializer.initialize(model.parameters(), p, 7);
            AdamW adamW = new AdamW(backend, scope, model.parameters().layout(), AdamWSettings.cerebras(1e-8), p);
            Trainer trainer = new Trainer(model, adamW, data(), LearningRateSchedule.constant(1e-2), m -> { },
                    new TrainerSettings(16 * 6, 1.0, false), System::nanoTime, ranks);
            double[] losses = new double[steps];
            for (int s = 0; s < steps; s++) {
                losses[s] = trainer.step().loss();
            }
            return new Run(losses, model.parameters().flat().toHost());
        }
    }

    @Test
    void twoAndThreeRanksFollowOneProcess() throws Exception {
        Run one = train(SingleProcess.instance(), 8);
        for (int n : new int[] {2, 3}) {
            ThreadRanks ranks = new ThreadRanks(n);
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                List<Future<Run>> runs = new ArrayList<>();
                for (int r = 0; r < n; r++) {
                    Collective c = ranks.rank(r);
                    runs.add(pool.submit(() -> train(c, 8)));
                }
                Run lead = runs.get(0).get();
                for (Future<Run> f : runs) {
                    assertArrayEquals(lead.params(), f.get().params(), n + " ranks stay identical (seed " + SEED + ")");
                    assertArrayEquals(lead.losses(), f.get().losses());
                }
                assertEquals(one.losses()[0], lead.losses()[0], 0.0, n + " ranks: step 1 is exact");
                for (int s = 0; s < one.losses().length; s++) {
                    double rel = Math.abs(lead.losses()[s] - one.losses()[s]) / one.losses()[s];
                    assertTrue(rel < 1e-5, n + " ranks, step " + (s + 1) + ": " + rel);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
