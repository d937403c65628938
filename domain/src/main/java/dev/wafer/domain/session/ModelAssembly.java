package dev.wafer.domain.session;

import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.model.ModelPrecision;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.optim.AdamW;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.collective.SingleProcess;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;

/**
 * The one place a model (and its optimizer) is assembled: the training session, benchmarks, studies, the
 * coordinate check and evaluation all come here, so SP/muP rules, optimizer settings and allocation stay in step.
 */
public final class ModelAssembly {
    private ModelAssembly() {
    }

    /**
     * A model for training micro-batches of {@code microBatch} x {@code seqLength} with AdamW. Parameters start at
     * zero: call {@link TrainableModel#initialize} or restore them from a checkpoint.
     *
     * @throws dev.wafer.ports.compute.MissingCapabilityException if the backend lacks a kernel the model needs
     * @throws IllegalArgumentException if the micro-batch does not fit the shape
     */
    public static TrainableModel trainable(ComputeBackend backend, TensorScope scope, ModelShape shape,
            ParameterisationKind kind, int microBatch, int seqLength, AdamWSettings adam) {
        return trainable(backend, scope, shape, kind, microBatch, seqLength, adam, ModelPrecision.FP32);
    }

    /**
     * As {@link #trainable(ComputeBackend, TensorScope, ModelShape, ParameterisationKind, int, int, AdamWSettings)},
     * with the matrix products rounding their operands as {@code precision} says (master weights, gradients and
     * AdamW state stay float32).
     *
     * @throws dev.wafer.ports.compute.MissingCapabilityException if the backend lacks a kernel the model needs or
     *                                                            the precision's capability
     */
    public static TrainableModel trainable(ComputeBackend backend, TensorScope scope, ModelShape shape,
            ParameterisationKind kind, int microBatch, int seqLength, AdamWSettings adam, ModelPrecision precision) {
        return trainable(backend, scope, shape, kind, microBatch, seqLength, adam, precision, false);
    }

    /**
     * As {@link #trainable(ComputeBackend, TensorScope, ModelShape, ParameterisationKind, int, int, AdamWSettings,
     * ModelPrecision)}, recomputing each block's activations in the backward when {@code recompute}.
     */
    public static TrainableModel trainable(ComputeBackend backend, TensorScope scope, ModelShape shape,
            ParameterisationKind kind, int microBatch, int seqLength, AdamWSettings adam, ModelPrecision precision,
            boolean recompute) {
        return trainable(backend, scope, shape, Parameterisations.of(kind, shape), microBatch, seqLength, adam,
                precision, recompute);
    }

    /**
     * As {@link #trainable(ComputeBackend, TensorScope, ModelShape, ParameterisationKind, int, int, AdamWSettings,
     * ModelPrecision)} with a given parameterisation (a muP run's own σ_base and m_emb).
     */
    public static TrainableModel trainable(ComputeBackend backend, TensorScope scope, ModelShape shape,
            Parameterisation p, int microBatch, int seqLength, AdamWSettings adam, ModelPrecision precision) {
        return trainable(backend, scope, shape, p, microBatch, seqLength, adam, precision, false);
    }

    /**
     * As {@link #trainable(ComputeBackend, TensorScope, ModelShape, Parameterisation, int, int, AdamWSettings,
     * ModelPrecision)}, recomputing each block's activations in the backward when {@code recompute}.
     */
    public static TrainableModel trainable(ComputeBackend backend, TensorScope scope, ModelShape shape,
            Parameterisation p, int microBatch, int seqLength, AdamWSettings adam, ModelPrecision precision,
            boolean recompute) {
        return trainable(backend, scope, shape, p, microBatch, seqLength, adam, precision, SingleProcess.instance(),
                false, recompute);
    }

    /**
     * As {@link #trainable(ComputeBackend, TensorScope, ModelShape, Parameterisation, int, int, AdamWSettings,
     * ModelPrecision)} for the ranks of {@code collective}, AdamW's moments sharded over them when {@code shard}
     * (each rank allocates {@code 1/N} of them; see {@link AdamW}), recomputing each block's activations in the
     * backward when {@code recompute} (same gradients, less memory, one more forward pass of the blocks).
     */
    public static TrainableModel trainable(ComputeBackend backend, TensorScope scope, ModelShape shape,
            Parameterisation p, int microBatch, int seqLength, AdamWSettings adam, ModelPrecision precision,
            Collective collective, boolean shard, boolean recompute) {
        GptModel model = new GptModel(backend, scope, shape, p, microBatch, seqLength, precision, recompute);
        AdamW optimizer = new AdamW(backend, scope, model.parameters().layout(), adam, p, collective, shard);
        return new TrainableModel(model, optimizer, p);
    }

    /**
     * A model for scoring only (evaluation): no optimizer state. Parameters start at zero; copy them in.
     *
     * @throws dev.wafer.ports.compute.MissingCapabilityException if the backend lacks a kernel the model needs
     * @throws IllegalArgumentException if the batch does not fit the shape
     */
    public static GptModel forScoring(ComputeBackend backend, TensorScope scope, ModelShape shape,
            ParameterisationKind kind, int batch, int seqLength) {
        return forScoring(backend, scope, shape, Parameterisations.of(kind, shape), batch, seqLength);
    }

    /** As {@link #forScoring(ComputeBackend, TensorScope, ModelShape, ParameterisationKind, int, int)} with a given
     * parameterisation (a muP checkpoint's own m_emb). */
    public static GptModel forScoring(ComputeBackend backend, TensorScope scope, ModelShape shape,
            Parameterisation p, int batch, int seqLength) {
        return new GptModel(backend, scope, shape, p, batch, seqLength);
    }
}
