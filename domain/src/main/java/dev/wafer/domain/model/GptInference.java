package dev.wafer.domain.model;

import java.util.EnumSet;

import dev.wafer.domain.generate.NextTokenLogits;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;

/**
 * Incremental inference with a key/value cache: the decoder run one position at a time over a model's parameters,
 * keeping every layer's keys and values, so each new token costs one position (a matrix-vector product per weight
 * and one attention row per head) instead of a recomputation of the prefix. The logits it returns already include
 * the parameterisation's output multiplier (muP's 1/m_width), so they are the logits the model samples from.
 *
 * <p>It is {@link BatchGptInference} with one sequence.
 *
 * <p>It reads the parameters in place (no copy); they must not change while a sequence is being decoded.
 * Not thread-safe.
 */
public final class GptInference implements NextTokenLogits {
    /** What inference needs from a backend. */
    public static final EnumSet<Capability> REQUIRED = EnumSet.of(Capability.ENCODER, Capability.LAYER_NORM,
            Capability.MATMUL, Capability.ATTENTION, Capability.GELU, Capability.RESIDUAL);

    private final BatchGptInference one;
    private final int[] token = new int[1];
    private final int[][] prompts = new int[1][];

    /**
     * Allocates the cache ({@code 2 · L · maxSeq · C} floats) and one position's activations in {@code scope}.
     *
     * @param params the model's parameters (for example {@code GptModel.parameters()}), read in place
     * @throws dev.wafer.ports.compute.MissingCapabilityException if the backend lacks a kernel family
     */
    public GptInference(ComputeBackend backend, TensorScope scope, ParameterSet params, ForwardMultipliers parameterisation) {
        this.one = new BatchGptInference(backend, scope, params, parameterisation, 1,
                params.layout().shape().seqLength());
    }

    @Override
    public float[] reset(int[] prompt) {
        prompts[0] = prompt;
        return one.reset(prompts).clone();
    }

    @Override
    public float[] next(int tok) {
        token[0] = tok;
        return one.next(token).clone();
    }

    @Override
    public int maxSequenceLength() {
        return one.maxSequenceLength();
    }

    /** Positions held in the cache so far. */
    public int position() {
        return one.position();
    }
}
