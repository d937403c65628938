package dev.wafer.domain.session;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

import dev.wafer.domain.model.ParameterName;
import dev.wafer.domain.model.ParameterSet;
import dev.wafer.domain.model.ParameterSpec;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.TensorSource;
import dev.wafer.ports.checkpoint.TensorSpec;
import dev.wafer.ports.compute.Tensor;

/**
 * How a model and its optimizer state are named in a checkpoint: {@code params/NAME}, {@code adam_m/NAME} and
 * {@code adam_v/NAME}, NAME being each tensor's {@link ParameterName#id()}, with the parameter layout's shapes.
 * Training checkpoints carry all three groups; an imported or exported model only {@code params/}.
 */
public final class CheckpointTensors {
    /** Tensor-name prefix of the parameters. */
    public static final String PARAMS = "params/";
    /** Tensor-name prefix of AdamW's first moments. */
    public static final String ADAM_M = "adam_m/";
    /** Tensor-name prefix of AdamW's second moments. */
    public static final String ADAM_V = "adam_v/";
    // Device tensors are copied out in chunks so that a large model is never held twice in host memory.
    private static final int CHUNK = 1 << 16;

    private CheckpointTensors() {
    }

    /**
     * The checkpoint tensor name of {@code name} in a group, e.g. {@code params/qkvw}: the prefix and the
     * {@linkplain ParameterName#id() id}, never the enum constant, so files stay readable across renames in code.
     */
    public static String tensorName(String prefix, ParameterName name) {
        return prefix + name.id();
    }

    /** Sources over the parameters and both AdamW moments of a trainable model, in that order. */
    public static List<TensorSource> training(TrainableModel m) {
        List<TensorSource> out = new ArrayList<>(sources(PARAMS, m.model().parameters()));
        out.addAll(sources(ADAM_M, m.optimizer().firstMoments()));
        out.addAll(sources(ADAM_V, m.optimizer().secondMoments()));
        return out;
    }

    /**
     * A save of a model whose optimizer may be sharded over the ranks of {@code collective}: the sources of
     * {@link #training(TrainableModel)} when it is not; when it is, the moments are gathered block by block from
     * every rank while the writer reads them ({@link MomentGather}), so the file is the unsharded one. Every rank
     * must call {@link ShardedSave#finish()} after its store has consumed (or ignored) the sources.
     */
    static ShardedSave trainingAcross(TrainableModel m, dev.wafer.ports.collective.Collective collective) {
        return trainingAcross(m, collective, MomentGather.BLOCK);
    }

    /** As {@link #trainingAcross(TrainableModel, dev.wafer.ports.collective.Collective)} with blocks of this size. */
    static ShardedSave trainingAcross(TrainableModel m, dev.wafer.ports.collective.Collective collective,
            int blockElements) {
        if (!m.optimizer().shard().sharded()) {
            return new ShardedSave(training(m), () -> { });
        }
        MomentGather gather = new MomentGather(collective, m.optimizer(), blockElements);
        List<TensorSource> out = new ArrayList<>(sources(PARAMS, m.model().parameters()));
        for (ParameterSpec p : m.model().parameters().layout().specs()) {
            out.add(gathered(tensorName(ADAM_M, p.name()), p, gather, false));
        }
        for (ParameterSpec p : m.model().parameters().layout().specs()) {
            out.add(gathered(tensorName(ADAM_V, p.name()), p, gather, true));
        }
        return new ShardedSave(out, gather::finish);
    }

    /** The tensors of a save, and what every rank runs once its store is done with them. */
    record ShardedSave(List<TensorSource> tensors, Runnable finish) {
    }

    private static TensorSource gathered(String name, ParameterSpec p, MomentGather gather, boolean second) {
        TensorSpec spec = new TensorSpec(name, p.shape());
        return new TensorSource() {
            private final float[] chunk = new float[(int) Math.min(CHUNK, p.count())];

            @Override
            public TensorSpec spec() {
                return spec;
            }

            @Override
            public void copyTo(long firstElement, FloatBuffer destination) {
                long at = p.offset() + firstElement;
                while (destination.hasRemaining()) {
                    int n = Math.min(chunk.length, destination.remaining());
                    gather.read(second ? gather.secondMoment(at) : gather.firstMoment(at), chunk, 0, n);
                    destination.put(chunk, 0, n);
                    at += n;
                }
            }
        };
    }

    /** Restores the parameters, both moments and the optimizer's step count of a trainable model. */
    public static void restoreTraining(CheckpointReader reader, TrainableModel m, long adamSteps) {
        if (m.optimizer().shard().sharded()) {
            load(reader, PARAMS, m.model().parameters());
            loadShard(reader, ADAM_M, m.model().parameters().layout(), m.optimizer().shard(),
                    m.optimizer().firstMomentsShard());
            loadShard(reader, ADAM_V, m.model().parameters().layout(), m.optimizer().shard(),
                    m.optimizer().secondMomentsShard());
            m.optimizer().restoreStepsTaken(Math.toIntExact(adamSteps));
            return;
        }
        load(reader, PARAMS, m.model().parameters());
        load(reader, ADAM_M, m.optimizer().firstMoments());
        load(reader, ADAM_V, m.optimizer().secondMoments());
        m.optimizer().restoreStepsTaken(Math.toIntExact(adamSteps));
    }

    /**
     * Checks that the parameters and both moments are stored with {@code layout}'s shapes, before anything is
     * allocated for them: a header that disagrees with its tensors is refused without building its model.
     *
     * @throws dev.wafer.ports.checkpoint.CheckpointException naming a missing or misshapen tensor
     */
    public static void requireTrainingShapes(CheckpointReader reader, dev.wafer.domain.model.ParameterLayout layout) {
        for (String prefix : List.of(PARAMS, ADAM_M, ADAM_V)) {
            for (ParameterSpec p : layout.specs()) {
                reader.require(tensorName(prefix, p.name()), p.shape());
            }
        }
    }

    /** Tensor sources over every tensor of {@code set}, named {@code prefix + name}, read in chunks. */
    public static List<TensorSource> sources(String prefix, ParameterSet set) {
        List<TensorSource> out = new ArrayList<>();
        for (ParameterSpec p : set.layout().specs()) {
            TensorSpec spec = new TensorSpec(tensorName(prefix, p.name()), p.shape());
            Tensor t = set.get(p.name());
            out.add(new TensorSource() {
                private final float[] chunk = new float[(int) Math.min(CHUNK, p.count())];

                @Override
                public TensorSpec spec() {
                    return spec;
                }

                @Override
                public void copyTo(long firstElement, FloatBuffer destination) {
                    long at = firstElement;
                    while (destination.hasRemaining()) {
                        int n = Math.min(chunk.length, destination.remaining());
                        t.copyToHost(at, chunk, 0, n);
                        destination.put(chunk, 0, n);
                        at += n;
                    }
                }
            });
        }
        return out;
    }

    /**
     * Loads this rank's shard of a group saved unsharded: each tensor that overlaps the shard is read (whole, one
     * at a time) and its overlap copied; every shape is checked first.
     */
    private static void loadShard(CheckpointReader reader, String prefix, dev.wafer.domain.model.ParameterLayout layout,
            dev.wafer.domain.optim.FlatShard shard, Tensor target) {
        for (ParameterSpec p : layout.specs()) {
            reader.require(tensorName(prefix, p.name()), p.shape());
        }
        for (ParameterSpec p : layout.specs()) {
            long lo = Math.max(p.offset(), shard.start());
            long hi = Math.min(p.offset() + p.count(), shard.end());
            if (lo < hi) {
                float[] whole = reader.read(tensorName(prefix, p.name()));
                target.copyFromHost(whole, (int) (lo - p.offset()), lo - shard.start(), (int) (hi - lo));
            }
        }
    }

    /**
     * Loads every tensor of {@code set} from {@code prefix + name}, checking every shape before copying anything.
     *
     * @throws dev.wafer.ports.checkpoint.CheckpointException naming a missing or misshapen tensor
     */
    public static void load(CheckpointReader reader, String prefix, ParameterSet set) {
        for (ParameterSpec p : set.layout().specs()) {
            reader.require(tensorName(prefix, p.name()), p.shape());
        }
        for (ParameterSpec p : set.layout().specs()) {
            set.get(p.name()).copyFromHost(reader.read(tensorName(prefix, p.name())));
        }
    }
}
