package dev.wafer.domain.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.collective.ThreadRanks;
import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.domain.model.ModelPrecision;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.optim.FlatShard;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;

/**
 * A sharded optimizer's save is the unsharded checkpoint: rank 0's store receives every moment of every rank, bit
 * for bit (-0.0 and NaN included), whatever the block size of the gathering, while the other ranks only take part;
 * and a resume hands each rank its shard of an unsharded checkpoint.
 */
class ShardedCheckpointTest {
    /** Any header: the stores refuse none, and this test reads the tensors only. */
    private static final dev.wafer.ports.checkpoint.CheckpointHeader HEADER = new dev.wafer.ports.checkpoint
            .CheckpointHeader(new dev.wafer.ports.checkpoint.ModelHeader(7, 16, 2, 1, 5, 20, "sp",
            java.util.Optional.empty()), java.util.Optional.empty());

    private static final ModelShape SHAPE = ModelShape.withHeads(23, 8, 2, 2, 8, 32);
    private static final Path FILE = Path.of("ckpt");
    private static final long SEED = 11;

    /** The moment values of the whole model: seeded, with the bit patterns a sum would lose. */
    private static float[] moments(long total, int which) {
        SplittableRandom r = new SplittableRandom(SEED + which);
        float[] a = new float[(int) total];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        a[3] = -0.0f;
        a[a.length - 2] = Float.NaN;
        return a;
    }

    private static TrainableModel model(ComputeBackend backend, TensorScope scope, Collective c, boolean sharded) {
        return ModelAssembly.trainable(backend, scope, SHAPE, Parameterisations.of(ParameterisationKind.SP, SHAPE), 2,
                8, AdamWSettings.cerebras(1e-8), ModelPrecision.FP32, c, sharded, false);
    }

    @Test
    void ranksSaveTheUnshardedMomentsAndResumeTheirShards() throws Exception {
        for (int n : new int[] {2, 3}) {
            for (int block : new int[] {7, 100, 1 << 20}) {
                InMemoryCheckpointStore store = new InMemoryCheckpointStore();
                List<float[][]> restored = new ThreadRanks(n).run(c -> {
                    try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
                        TrainableModel m = model(backend, scope, c, true);
                        FlatShard shard = m.optimizer().shard();
                        m.initialize(SEED);
                        float[] m1 = moments(shard.total(), 1);
                        float[] m2 = moments(shard.total(), 2);
                        m.optimizer().firstMomentsShard().copyFromHost(m1, (int) shard.start(), 0,
                                (int) shard.length());
                        m.optimizer().secondMomentsShard().copyFromHost(m2, (int) shard.start(), 0,
                                (int) shard.length());
                        CheckpointTensors.ShardedSave save = CheckpointTensors.trainingAcross(m, c, block);
                        if (c.rank() == 0) {
                            store.save(FILE, HEADER, save.tensors());
                        } else {
                            Checkpointing.participant(0).store().save(FILE, null, save.tensors());
                        }
                        save.finish().run();
                        c.barrier();
                        // Resume: a fresh sharded model takes its shard of the file.
                        TrainableModel back = model(backend, scope, c, true);
                        try (CheckpointReader reader = store.open(FILE)) {
                            CheckpointTensors.restoreTraining(reader, back, 3);
                        }
                        return new float[][] {back.optimizer().firstMomentsShard().toHost(),
                            back.optimizer().secondMomentsShard().toHost(), {shard.start()}};
                    }
                });
                String what = n + " ranks, blocks of " + block + " (seed " + SEED + ")";
                try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
                    // The same values in an unsharded optimizer give the reference checkpoint.
                    TrainableModel whole = model(backend, scope, dev.wafer.ports.collective.SingleProcess.instance(),
                            false);
                    long total = whole.optimizer().shard().total();
                    whole.initialize(SEED);
                    whole.optimizer().firstMomentsShard().copyFromHost(moments(total, 1));
                    whole.optimizer().secondMomentsShard().copyFromHost(moments(total, 2));
                    InMemoryCheckpointStore reference = new InMemoryCheckpointStore();
                    reference.save(FILE, HEADER, CheckpointTensors.training(whole));
                    try (CheckpointReader got = store.open(FILE); CheckpointReader want = reference.open(FILE)) {
                        assertEquals(want.tensors(), got.tensors(), what);
                        for (var t : want.tensors()) {
                            assertBits(want.read(t.name()), got.read(t.name()), what + ", " + t.name());
                        }
                    }
                    for (float[][] r : restored) {
                        int start = (int) r[2][0];
                        assertBits(java.util.Arrays.copyOfRange(moments(total, 1), start, start + r[0].length), r[0],
                                what + ": restored first moments of the shard at " + start);
                        assertBits(java.util.Arrays.copyOfRange(moments(total, 2), start, start + r[1].length), r[1],
                                what + ": restored second moments of the shard at " + start);
                    }
                }
            }
        }
    }

    private static void assertBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        List<Integer> wrong = new ArrayList<>();
        for (int i = 0; i < expected.length && wrong.size() < 5; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                wrong.add(i);
            }
        }
        assertEquals(List.of(), wrong, what + ": elements whose bits differ");
    }
}
