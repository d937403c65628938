package dev.wafer.ports.checkpoint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The model a checkpoint holds: GPT-2-style dimensions and the parameterisation it was trained with.
 *
 * @param vocab            vocabulary size
 * @param positions        learned positions (the longest sequence the model takes)
 * @param layers           decoder blocks
 * @param heads            attention heads per block
 * @param dModel           residual width
 * @param dFfn             feed-forward hidden width
 * @param parameterisation {@code sp} or {@code mup}
 * @param importedFrom     where an imported model came from (a Hugging Face directory), if it was imported
 * @param mup              the muP triple a muP model was trained with; empty for SP and for checkpoints written
 *                         before the triple was recorded (the domain reads those as the paper's values)
 * @param provenance       how an imported model was trained, as the exported directory recorded it ({@code
 *                         data_path}, {@code data_fingerprint}, {@code tokenizer}, {@code tokens}, ...), in order;
 *                         empty for a trained model (its training section says it) and for models imported without
 */
public record ModelHeader(int vocab, int positions, int layers, int heads, int dModel, int dFfn,
        String parameterisation, Optional<String> importedFrom, Optional<Mup> mup, Map<String, String> provenance) {
    /** A header without recorded provenance. */
    public ModelHeader(int vocab, int positions, int layers, int heads, int dModel, int dFfn,
            String parameterisation, Optional<String> importedFrom, Optional<Mup> mup) {
        this(vocab, positions, layers, heads, dModel, dFfn, parameterisation, importedFrom, mup, Map.of());
    }

    /** A header without a recorded muP triple. */
    public ModelHeader(int vocab, int positions, int layers, int heads, int dModel, int dFfn,
            String parameterisation, Optional<String> importedFrom) {
        this(vocab, positions, layers, heads, dModel, dFfn, parameterisation, importedFrom, Optional.empty());
    }

    /** Rejects missing fields; the domain validates the values when it builds a shape from them. */
    public ModelHeader {
        Objects.requireNonNull(parameterisation, "parameterisation");
        Objects.requireNonNull(importedFrom, "importedFrom");
        Objects.requireNonNull(mup, "mup");
        // Keeps the recorded order: the provenance is printed and exported as it was written.
        provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
    }

    /** This header with {@code recorded} as its provenance. */
    public ModelHeader withProvenance(Map<String, String> recorded) {
        return new ModelHeader(vocab, positions, layers, heads, dModel, dFfn, parameterisation, importedFrom, mup,
                recorded);
    }

    /**
     * The tuned muP constants (paper Appendix G.2).
     *
     * @param baseLr              η_base, the peak learning rate
     * @param initStd             σ_base, the embeddings' init std
     * @param embeddingMultiplier m_emb, the factor on the summed embeddings
     */
    public record Mup(double baseLr, double initStd, double embeddingMultiplier) {
    }
}
