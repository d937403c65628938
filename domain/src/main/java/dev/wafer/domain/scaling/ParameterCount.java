package dev.wafer.domain.scaling;

import dev.wafer.domain.model.ModelShape;
/**
 * Parameter counts as in the paper's Appendix E (Table 12), generalised from {@code d_ffn = 4 d_model} to any
 * {@code d_ffn}. Input and output embeddings are tied, so the vocabulary matrix is counted once; the paper's
 * "20 tokens per parameter" counts embedding parameters too.
 */
public final class ParameterCount {
    private ParameterCount() {
    }

    /** Total parameters: embeddings, every decoder block and the final LayerNorm. */
    public static long total(ModelShape s) {
        return embedding(s) + nonEmbedding(s);
    }

    /** Word and position embeddings: {@code V d + S d}. */
    public static long embedding(ModelShape s) {
        return (long) s.vocabSize() * s.dModel() + (long) s.dModel() * s.seqLength();
    }

    /** Decoder blocks plus the final LayerNorm. */
    public static long nonEmbedding(ModelShape s) {
        long d = s.dModel();
        long f = s.dFfn();
        long layerNorms = 2 * (2 * d);          // ln1 and ln2: weight and bias each
        long attention = 4 * (d * d + d);       // Q, K, V and output projections with biases
        long ffn = 2 * d * f + f + d;           // two linears with biases; 8d^2 + 5d when f = 4d
        long block = layerNorms + attention + ffn;
        long finalLayerNorm = 2 * d;
        return s.nLayers() * block + finalLayerNorm;
    }
}
