package dev.wafer.formats.hf;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.model.ParameterLayout;
import dev.wafer.domain.model.ParameterName;
import dev.wafer.domain.model.ParameterSpec;
import dev.wafer.domain.param.MupParameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.ports.compute.LayerNormKernel;

/**
 * Converts between Wafer's {@link ParameterLayout} (llm.c order, nn.Linear [out, in] weights stacked over layers,
 * LM head tied to {@code wte}) and GPT2LMHeadModel (Conv1D [in, out] weights per block), tensor by tensor as
 * {@link Gpt2Layout#slots} pairs them. The fused QKV needs only a
 * transpose: both keep Q, K, V one after another along the output dimension, each split into heads in order.
 *
 * <p>muP: a btlm-style config imports into a muP Wafer model, with its {@code mup_embeddings_scale} as the model's
 * m_emb, when its other multipliers are Wafer's (width scale 256/d_model, output alpha 1, q·k/d); a muP Wafer model,
 * whatever its m_emb, exports folded into plain GPT-2 ({@link MupFolding}; reference-facts 1.9), so any GPT-2 loader
 * computes the same logits.
 */
public final class Gpt2Conversion {
    private static final String ARCHITECTURE = "GPT2LMHeadModel";
    /**
     * Wafer's LayerNorm epsilon as the decimal it was written as (1e-5): the shortest decimal of the float, not the
     * float widened to a double (9.999999747378752E-6, which export-hf wrote into config.json until 2026-12-07).
     */
    static final double EPSILON = Double.parseDouble(Float.toString(LayerNormKernel.EPSILON));

    private Gpt2Conversion() {
    }

    /**
     * A Wafer model: shape, parameterisation and parameters by name.
     *
     * @param shape               the model shape
     * @param kind                SP or muP
     * @param embeddingMultiplier m_emb, the factor on the summed token and position embeddings: any positive finite
     *                            value for muP (the search draws it from [1, 100]), 1 for SP
     * @param params              row-major arrays by parameter, shaped as in the {@link ParameterLayout}
     */
    public record WaferModel(ModelShape shape, ParameterisationKind kind, double embeddingMultiplier,
                             Map<ParameterName, float[]> params) {
        /** Rejects an m_emb that is not positive and finite, or other than 1 for SP. */
        public WaferModel {
            boolean valid = kind == ParameterisationKind.SP ? embeddingMultiplier == 1
                    : embeddingMultiplier > 0 && Double.isFinite(embeddingMultiplier);
            if (!valid) {
                throw new IllegalArgumentException("embedding multiplier " + embeddingMultiplier + " for a "
                        + kind.id() + " model");
            }
        }
    }

    /**
     * The refusal of a separate LM head (one equal to the embedding was read as tied). A head that is the embedding
     * times one factor is what {@code export-hf} writes for a muP model (wte x m_emb, head = wte x alpha x
     * width_scale): the original weights come back only up to float rounding, so it is refused too, saying so.
     */
    private static HfFormatException untiedHead(String source, Gpt2Checkpoint hf) {
        float[] head = hf.tensor(Gpt2Layout.LM_HEAD).data();
        float[] wte = hf.tensor(Gpt2Layout.WTE).data();
        double factor = Double.NaN;
        boolean multiple = true;
        for (int i = 0; i < head.length && multiple; i++) {
            if (wte[i] == 0) {
                multiple = head[i] == 0;
            } else if (Double.isNaN(factor)) {
                factor = (double) head[i] / wte[i];
            } else {
                multiple = Math.abs(head[i] - factor * wte[i]) <= 1e-5 * Math.abs(factor * wte[i]);
            }
        }
        String why = source + ": tie_word_embeddings is false and " + Gpt2Layout.LM_HEAD;
        if (multiple && !Double.isNaN(factor)) {
            return new HfFormatException(why + " is " + Gpt2Layout.WTE + " x " + (float) factor + ", as in a muP model"
                    + " folded into plain GPT-2 by export-hf; Wafer models tie the LM head to the token embedding and"
                    + " a folded export cannot be unfolded exactly, so it is not imported back: use the Wafer"
                    + " checkpoint it was exported from, or a muP config with its mup_* fields");
        }
        return new HfFormatException(why + " differs from " + Gpt2Layout.WTE
                + " (a separate head); Wafer models tie the LM head to the token embedding");
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
            // gelu_new is also what Hugging Face reads when config.json has no activation_function at all.
            throw new HfFormatException(source + ": activation_function '" + c.activation().hfName() + "' (the tanh"
                    + " approximation of GELU, and Hugging Face's default when config.json has no"
                    + " activation_function) is not supported; Wafer computes the exact GELU ('gelu'), as Cerebras-GPT"
                    + " does, so only a model trained with \"activation_function\": \"gelu\" imports");
        }
        // Within 1e-12 of the float: both 1e-05 and the float widened (what export-hf wrote until 2026-12-07) import.
        if (Math.abs(c.layerNormEpsilon() - LayerNormKernel.EPSILON) > 1e-12) {
            throw new HfFormatException(source + ": layer_norm_epsilon " + c.layerNormEpsilon()
                    + " is not supported; Wafer's LayerNorm uses " + EPSILON);
        }
        if (!c.tieWordEmbeddings()) {
            throw untiedHead(source, hf);
        }
        ParameterisationKind kind = ParameterisationKind.SP;
        double embeddingMultiplier = 1;
        MupMultipliers mup = c.mup();
        if (mup != null) {
            checkMup(source, c, mup);
            kind = ParameterisationKind.MUP;
            embeddingMultiplier = mup.embeddingsScale();
        }
        ModelShape shape = Gpt2Layout.modelShape(c);
        Map<ParameterName, float[]> params = new EnumMap<>(ParameterName.class);
        for (ParameterSpec p : new ParameterLayout(shape).specs()) {
            params.put(p.name(), new float[Math.toIntExact(p.count())]);
        }
        for (Gpt2Layout.Slot slot : Gpt2Layout.slots(shape.nLayers())) {
            ParameterName p = slot.parameter();
            float[] data = hf.tensor(slot.hfName()).data();
            if (Gpt2Layout.isConv1d(p)) {
                int[] linear = p.layerShape(shape);
                data = transpose(data, linear[1], linear[0]);
            }
            System.arraycopy(data, 0, params.get(p), slot.layer() * data.length, data.length);
        }
        return new WaferModel(shape, kind, embeddingMultiplier, params);
    }

    /**
     * The GPT2LMHeadModel checkpoint of a Wafer model: tied SP as is; muP folded into plain (untied) GPT-2.
     */
    public static Gpt2Checkpoint toHf(WaferModel model) {
        ModelShape s = model.shape();
        int d = s.dModel();
        int f = s.dFfn();
        MupMultipliers mup = model.kind() == ParameterisationKind.MUP
                ? new MupMultipliers((double) MupParameterisation.BASE_WIDTH / d, model.embeddingMultiplier(), 1.0,
                        true)
                : null;
        Gpt2Config config = new Gpt2Config(d, s.nLayers(), s.nHeads(), f, s.seqLength(), s.vocabSize(),
                EPSILON, Gpt2Activation.GELU, true, ARCHITECTURE, mup);
        Map<String, FloatTensor> t = new LinkedHashMap<>();
        for (Gpt2Layout.Slot slot : Gpt2Layout.slots(s.nLayers())) {
            ParameterName p = slot.parameter();
            int[] linear = p.layerShape(s);
            float[] data = layerSlice(model.params().get(p), slot.layer(), Math.toIntExact(count(linear)));
            t.put(slot.hfName(), Gpt2Layout.isConv1d(p)
                    ? new FloatTensor(Gpt2Layout.hfShape(p, s), transpose(data, linear[0], linear[1]))
                    : new FloatTensor(linear, data));
        }
        Gpt2Checkpoint checkpoint = new Gpt2Checkpoint(config, t);
        return mup == null ? checkpoint : MupFolding.fold(checkpoint);
    }

    private static void checkMup(String source, Gpt2Config c, MupMultipliers mup) {
        double width = (double) MupParameterisation.BASE_WIDTH / c.nEmbd();
        if (Math.abs(mup.widthScale() - width) > 1e-4 * width) {
            throw new HfFormatException(source + ": mup_width_scale " + mup.widthScale() + " is not Wafer's 256/n_embd = "
                    + width + " (muP base width 256)");
        }
        // mup_embeddings_scale is any positive finite m_emb (MupMultipliers checks it): it becomes the model's.
        if (Math.abs(mup.outputAlpha() - 1.0) > 1e-12) {
            throw new HfFormatException(source + ": mup_output_alpha " + mup.outputAlpha() + " is not Wafer's 1.0");
        }
        if (!mup.scaleQkDotByD()) {
            throw new HfFormatException(source + ": mup_scale_qk_dot_by_d is false; Wafer's muP divides q·k by d_head");
        }
    }

    /** A copy of block {@code layer}'s {@code per} elements of a stacked tensor (the whole tensor at layer 0). */
    private static float[] layerSlice(float[] stacked, int layer, int per) {
        float[] out = new float[per];
        System.arraycopy(stacked, layer * per, out, 0, per);
        return out;
    }

    private static long count(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
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
