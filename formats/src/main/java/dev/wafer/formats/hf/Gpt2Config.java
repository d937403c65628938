package dev.wafer.formats.hf;

import java.util.Objects;

/**
 * The parts of a GPT-2 {@code config.json} that determine the computation.
 *
 * @param nEmbd            model width d
 * @param nLayer           number of blocks
 * @param nHead            attention heads; d must be divisible by it
 * @param nInner           feed-forward width ({@code n_inner}; null in the file means 4d)
 * @param nPositions       learned positions
 * @param vocabSize        vocabulary size
 * @param layerNormEpsilon LayerNorm epsilon
 * @param activation       which GELU
 * @param tieWordEmbeddings whether the LM head is {@code transformer.wte.weight}
 * @param architecture     the first entry of {@code architectures}, e.g. GPT2LMHeadModel (the 13B says GPT2Model)
 * @param mup              muP multipliers, or null for a standard-parameterisation model
 */
public record Gpt2Config(int nEmbd, int nLayer, int nHead, int nInner, int nPositions, int vocabSize,
        double layerNormEpsilon, Gpt2Activation activation, boolean tieWordEmbeddings, String architecture,
        MupMultipliers mup) {

    /** Checks the dimensions. */
    public Gpt2Config {
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(architecture, "architecture");
        if (nEmbd <= 0 || nLayer <= 0 || nHead <= 0 || nInner <= 0 || nPositions <= 0 || vocabSize <= 0) {
            throw new IllegalArgumentException("GPT-2 dimensions must be positive: n_embd=" + nEmbd + ", n_layer=" + nLayer
                    + ", n_head=" + nHead + ", n_inner=" + nInner + ", n_positions=" + nPositions + ", vocab_size=" + vocabSize);
        }
        if (nEmbd % nHead != 0) {
            throw new IllegalArgumentException("n_embd " + nEmbd + " is not divisible by n_head " + nHead);
        }
        if (!(layerNormEpsilon > 0)) {
            throw new IllegalArgumentException("layer_norm_epsilon must be positive: " + layerNormEpsilon);
        }
    }

    /** Width of one head. */
    public int headDim() {
        return nEmbd / nHead;
    }

    /** The same config with other muP multipliers and tying (what the muP fold produces). */
    public Gpt2Config withMup(MupMultipliers newMup, boolean tied) {
        return new Gpt2Config(nEmbd, nLayer, nHead, nInner, nPositions, vocabSize, layerNormEpsilon, activation, tied,
                architecture, newMup);
    }
}
