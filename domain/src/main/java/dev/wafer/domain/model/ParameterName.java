package dev.wafer.domain.model;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The parameter tensors of a GPT-3-style decoder, in llm.c's allocation order: the one list that the model, the
 * inference path, the optimizer, checkpoints and the Hugging Face conversion name tensors by. Linear weights are
 * (out, in) like {@code nn.Linear}; per-layer tensors are stacked along a leading L axis; the LM head is
 * {@link #WTE}.
 *
 * <p>Each constant carries its checkpoint {@linkplain #id() id}, the llm.c-style string that names the tensor in
 * checkpoint files ({@code params/qkvw}) and golden files. Ids are part of the file format: changing one breaks
 * every checkpoint written before, so they are fixed here and parsed back only through {@link #fromId}.
 */
public enum ParameterName {
    /** Token embedding (V, C), tied with the LM head. */
    WTE("wte", ParameterRole.TOKEN_EMBEDDING, false, s -> new int[] {s.vocabSize(), s.dModel()}),
    /** Learned position embedding (T, C). */
    WPE("wpe", ParameterRole.POSITION_EMBEDDING, false, s -> new int[] {s.seqLength(), s.dModel()}),
    /** Gain of the LayerNorm before attention, (L, C). */
    LN1_WEIGHT("ln1w", ParameterRole.NORM_WEIGHT, true, s -> new int[] {s.dModel()}),
    /** Bias of the LayerNorm before attention, (L, C). */
    LN1_BIAS("ln1b", ParameterRole.NORM_BIAS, true, s -> new int[] {s.dModel()}),
    /** Fused query/key/value projection (L, 3C, C); Q, K, V one after another along the output dimension. */
    QKV_WEIGHT("qkvw", ParameterRole.HIDDEN_WEIGHT, true, s -> new int[] {3 * s.dModel(), s.dModel()}),
    /** Bias of the fused QKV projection, (L, 3C). */
    QKV_BIAS("qkvb", ParameterRole.BIAS, true, s -> new int[] {3 * s.dModel()}),
    /** Attention output projection (L, C, C). */
    ATTN_PROJ_WEIGHT("attprojw", ParameterRole.OUTPUT_WEIGHT, true, s -> new int[] {s.dModel(), s.dModel()}),
    /** Bias of the attention output projection, (L, C). */
    ATTN_PROJ_BIAS("attprojb", ParameterRole.BIAS, true, s -> new int[] {s.dModel()}),
    /** Gain of the LayerNorm before the feed-forward network, (L, C). */
    LN2_WEIGHT("ln2w", ParameterRole.NORM_WEIGHT, true, s -> new int[] {s.dModel()}),
    /** Bias of the LayerNorm before the feed-forward network, (L, C). */
    LN2_BIAS("ln2b", ParameterRole.NORM_BIAS, true, s -> new int[] {s.dModel()}),
    /** First feed-forward linear (L, F, C). */
    FC_WEIGHT("fcw", ParameterRole.HIDDEN_WEIGHT, true, s -> new int[] {s.dFfn(), s.dModel()}),
    /** Bias of the first feed-forward linear, (L, F). */
    FC_BIAS("fcb", ParameterRole.BIAS, true, s -> new int[] {s.dFfn()}),
    /** Second feed-forward linear, back to the residual width, (L, C, F). */
    FC_PROJ_WEIGHT("fcprojw", ParameterRole.OUTPUT_WEIGHT, true, s -> new int[] {s.dModel(), s.dFfn()}),
    /** Bias of the second feed-forward linear, (L, C). */
    FC_PROJ_BIAS("fcprojb", ParameterRole.BIAS, true, s -> new int[] {s.dModel()}),
    /** Gain of the final LayerNorm, (C). */
    LNF_WEIGHT("lnfw", ParameterRole.NORM_WEIGHT, false, s -> new int[] {s.dModel()}),
    /** Bias of the final LayerNorm, (C). */
    LNF_BIAS("lnfb", ParameterRole.NORM_BIAS, false, s -> new int[] {s.dModel()});

    private static final Map<String, ParameterName> BY_ID = new HashMap<>();
    private static final List<ParameterName> STACKED;

    static {
        for (ParameterName n : values()) {
            BY_ID.put(n.id, n);
        }
        STACKED = Arrays.stream(values()).filter(ParameterName::stacked).toList();
    }

    private final String id;
    private final ParameterRole role;
    private final boolean stacked;
    private final Function<ModelShape, int[]> layerShape;

    ParameterName(String id, ParameterRole role, boolean stacked, Function<ModelShape, int[]> layerShape) {
        this.id = id;
        this.role = role;
        this.stacked = stacked;
        this.layerShape = layerShape;
    }

    /** The checkpoint id, e.g. {@code qkvw}: byte-identical to the names of every checkpoint written so far. */
    public String id() {
        return id;
    }

    /** What the tensor is for (initialisation, learning-rate multiplier, weight decay). */
    public ParameterRole role() {
        return role;
    }

    /** Whether the tensor holds one slice per decoder block, stacked along a leading L axis. */
    public boolean stacked() {
        return stacked;
    }

    /** The shape of one layer's slice of a stacked tensor, or of the whole tensor when it is not stacked. */
    public int[] layerShape(ModelShape shape) {
        return layerShape.apply(shape);
    }

    /** The full row-major shape for {@code shape}: {@link #layerShape} with L prepended when stacked. */
    public int[] shape(ModelShape shape) {
        int[] one = layerShape(shape);
        if (!stacked) {
            return one;
        }
        int[] out = new int[one.length + 1];
        out[0] = shape.nLayers();
        System.arraycopy(one, 0, out, 1, one.length);
        return out;
    }

    /** The stacked per-layer tensors, in llm.c order (the order they appear in a block). */
    public static List<ParameterName> stackedNames() {
        return STACKED;
    }

    /**
     * The tensor whose checkpoint id is {@code id}: the one place a file's tensor name becomes a parameter.
     *
     * @throws IllegalArgumentException naming the unknown tensor and the known ids
     */
    public static ParameterName fromId(String id) {
        ParameterName n = BY_ID.get(id);
        if (n == null) {
            throw new IllegalArgumentException("unknown parameter tensor '" + id + "'; expected one of "
                    + Arrays.stream(values()).map(ParameterName::id).collect(Collectors.joining(", ")));
        }
        return n;
    }

    /** The checkpoint id, so that messages name tensors as the files do. */
    @Override
    public String toString() {
        return id;
    }
}
