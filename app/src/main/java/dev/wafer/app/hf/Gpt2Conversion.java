package dev.wafer.app.hf;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.model.ParameterLayout;
import dev.wafer.domain.model.ParameterSpec;
import dev.wafer.domain.param.MupParameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.ports.compute.LayerNormKernel;

/**
 * Converts between Wafer's {@link ParameterLayout} (llm.c names, nn.Linear [out, in] weights stacked over layers,
 * LM head tied to {@code wte}) and GPT2LMHeadModel (Conv1D [in, out] weights per block). The fused QKV needs only a
 * transpose: both keep Q, K, V one after another along the output dimension, each split into heads in order.
 *
 * <p>muP: a btlm-style config imports into a muP Wafer model when its multipliers are Wafer's (m_emb 10,
 * width scale 256/d_model, output alpha 1, q·k/d); a muP Wafer model exports folded into plain GPT-2
 * ({@link MupFolding}; reference-facts 1.9), so any GPT-2 loader computes the same logits.
 */
public final class Gpt2Conversion {
    private static final String ARCHITECTURE = "GPT2LMHeadModel";

    private Gpt2Conversion() {
    }

    /**
     * A Wafer model: shape, parameterisation and parameters by layout name.
     *
     * @param shape  the model shape
     * @param kind   SP or muP
     * @param params row-major arrays by {@link ParameterLayout} name
     */
    public record WaferModel(ModelShape shape, ParameterisationKind kind, Map<String, float[]> params) {
    }

    /**
     * The Wafer model of a Hugging Face checkpoint.
     *
     * @param source names the model directory in messages
     * @throws HfFormatException naming the config field or tensor Wafer cannot represent
     */
    public static WaferModel toWafer(String source, Gpt2Checkpoint hf) {
        Gpt2Config c = hf.config();
        if (c.activation() != Gpt2Activation.GELU) {
            throw new HfFormatException(source + ": activation_function '" + c.activation().hfName()
                    + "' is not supported; Wafer computes the exact GELU ('gelu'), as Cerebras-GPT does");
        }
        if (Math.abs(c.layerNormEpsilon() - LayerNormKernel.EPSILON) > 1e-12) {
            throw new HfFormatException(source + ": layer_norm_epsilon " + c.layerNormEpsilon()
                    + " is not supported; Wafer's LayerNorm uses " + (double) LayerNormKernel.EPSILON);
        }
        if (!c.tieWordEmbeddings()) {
            throw new HfFormatException(source + ": tie_word_embeddings is false and " + Gpt2Layout.LM_HEAD
                    + " differs from " + Gpt2Layout.WTE + "; Wafer models tie the LM head to the token embedding");
        }
        ParameterisationKind kind = ParameterisationKind.SP;
        MupMultipliers mup = c.mup();
        if (mup != null) {
            checkMup(source, c, mup);
            kind = ParameterisationKind.MUP;
        }
        ModelShape shape = ModelShape.withHeads(c.vocabSize(), c.nPositions(), c.nLayer(), c.nHead(), c.nEmbd(), c.nInner());
        ParameterLayout layout = new ParameterLayout(shape);
        Map<String, float[]> params = new LinkedHashMap<>();
        for (ParameterSpec p : layout.specs()) {
            params.put(p.name(), new float[Math.toIntExact(p.count())]);
        }
        int d = c.nEmbd();
        int f = c.nInner();
        System.arraycopy(hf.tensor(Gpt2Layout.WTE).data(), 0, params.get("wte"), 0, params.get("wte").length);
        System.arraycopy(hf.tensor(Gpt2Layout.WPE).data(), 0, params.get("wpe"), 0, params.get("wpe").length);
        for (int l = 0; l < c.nLayer(); l++) {
            String h = Gpt2Layout.block(l);
            put(params, "ln1w", l, hf.tensor(h + "ln_1.weight").data());
            put(params, "ln1b", l, hf.tensor(h + "ln_1.bias").data());
            put(params, "qkvw", l, transpose(hf.tensor(h + "attn.c_attn.weight").data(), d, 3 * d));
            put(params, "qkvb", l, hf.tensor(h + "attn.c_attn.bias").data());
            put(params, "attprojw", l, transpose(hf.tensor(h + "attn.c_proj.weight").data(), d, d));
            put(params, "attprojb", l, hf.tensor(h + "attn.c_proj.bias").data());
            put(params, "ln2w", l, hf.tensor(h + "ln_2.weight").data());
            put(params, "ln2b", l, hf.tensor(h + "ln_2.bias").data());
            put(params, "fcw", l, transpose(hf.tensor(h + "mlp.c_fc.weight").data(), d, f));
            put(params, "fcb", l, hf.tensor(h + "mlp.c_fc.bias").data());
            put(params, "fcprojw", l, transpose(hf.tensor(h + "mlp.c_proj.weight").data(), f, d));
            put(params, "fcprojb", l, hf.tensor(h + "mlp.c_proj.bias").data());
        }
        params.put("lnfw", hf.tensor("transformer.ln_f.weight").data().clone());
        params.put("lnfb", hf.tensor("transformer.ln_f.bias").data().clone());
        return new WaferModel(shape, kind, params);
    }

    /**
     * The GPT2LMHeadModel checkpoint of a Wafer model: tied SP as is; muP folded into plain (untied) GPT-2.
     */
    public static Gpt2Checkpoint toHf(WaferModel model) {
        ModelShape s = model.shape();
        int d = s.dModel();
        int f = s.dFfn();
        MupMultipliers mup = model.kind() == ParameterisationKind.MUP
                ? new MupMultipliers((double) MupParameterisation.BASE_WIDTH / d,
                        MupParameterisation.EMBEDDING_MULTIPLIER, 1.0, true)
                : null;
        Gpt2Config config = new Gpt2Config(d, s.nLayers(), s.nHeads(), f, s.seqLength(), s.vocabSize(),
                LayerNormKernel.EPSILON, Gpt2Activation.GELU, true, ARCHITECTURE, mup);
        Map<String, float[]> p = model.params();
        Map<String, FloatTensor> t = new LinkedHashMap<>();
        t.put(Gpt2Layout.WTE, new FloatTensor(new int[] {s.vocabSize(), d}, p.get("wte").clone()));
        t.put(Gpt2Layout.WPE, new FloatTensor(new int[] {s.seqLength(), d}, p.get("wpe").clone()));
        for (int l = 0; l < s.nLayers(); l++) {
            String h = Gpt2Layout.block(l);
            t.put(h + "ln_1.weight", vec(get(p, "ln1w", l, d)));
            t.put(h + "ln_1.bias", vec(get(p, "ln1b", l, d)));
            t.put(h + "attn.c_attn.weight", new FloatTensor(new int[] {d, 3 * d},
                    transpose(get(p, "qkvw", l, 3 * d * d), 3 * d, d)));
            t.put(h + "attn.c_attn.bias", vec(get(p, "qkvb", l, 3 * d)));
            t.put(h + "attn.c_proj.weight", new FloatTensor(new int[] {d, d}, transpose(get(p, "attprojw", l, d * d), d, d)));
            t.put(h + "attn.c_proj.bias", vec(get(p, "attprojb", l, d)));
            t.put(h + "ln_2.weight", vec(get(p, "ln2w", l, d)));
            t.put(h + "ln_2.bias", vec(get(p, "ln2b", l, d)));
            t.put(h + "mlp.c_fc.weight", new FloatTensor(new int[] {d, f}, transpose(get(p, "fcw", l, f * d), f, d)));
            t.put(h + "mlp.c_fc.bias", vec(get(p, "fcb", l, f)));
            t.put(h + "mlp.c_proj.weight", new FloatTensor(new int[] {f, d}, transpose(get(p, "fcprojw", l, d * f), d, f)));
            t.put(h + "mlp.c_proj.bias", vec(get(p, "fcprojb", l, d)));
        }
        t.put("transformer.ln_f.weight", vec(p.get("lnfw").clone()));
        t.put("transformer.ln_f.bias", vec(p.get("lnfb").clone()));
        Gpt2Checkpoint checkpoint = new Gpt2Checkpoint(config, t);
        return mup == null ? checkpoint : MupFolding.fold(checkpoint);
    }

    private static void checkMup(String source, Gpt2Config c, MupMultipliers mup) {
        double width = (double) MupParameterisation.BASE_WIDTH / c.nEmbd();
        if (Math.abs(mup.widthScale() - width) > 1e-4 * width) {
            throw new HfFormatException(source + ": mup_width_scale " + mup.widthScale() + " is not Wafer's 256/n_embd = "
                    + width + " (muP base width 256)");
        }
        if (mup.embeddingsScale() != MupParameterisation.EMBEDDING_MULTIPLIER) {
            throw new HfFormatException(source + ": mup_embeddings_scale " + mup.embeddingsScale()
                    + " is not Wafer's " + MupParameterisation.EMBEDDING_MULTIPLIER);
        }
        if (Math.abs(mup.outputAlpha() - 1.0) > 1e-12) {
            throw new HfFormatException(source + ": mup_output_alpha " + mup.outputAlpha() + " is not Wafer's 1.0");
        }
        if (!mup.scaleQkDotByD()) {
            throw new HfFormatException(source + ": mup_scale_qk_dot_by_d is false; Wafer's muP divides q·k by d_head");
        }
    }

    private static FloatTensor vec(float[] data) {
        return new FloatTensor(new int[] {data.length}, data);
    }

    private static void put(Map<String, float[]> params, String name, int layer, float[] data) {
        System.arraycopy(data, 0, params.get(name), layer * data.length, data.length);
    }

    private static float[] get(Map<String, float[]> params, String name, int layer, int per) {
        float[] out = new float[per];
        System.arraycopy(params.get(name), layer * per, out, 0, per);
        return out;
    }

    /** The transpose of a row-major [rows, cols] matrix. */
    static float[] transpose(float[] m, int rows, int cols) {
        float[] out = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = m[r * cols + c];
            }
        }
        return out;
    }
}
