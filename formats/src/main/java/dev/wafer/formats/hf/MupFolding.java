package dev.wafer.formats.hf;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.wafer.domain.model.ParameterName;

/**
 * Folds muP's forward multipliers into the weights so that a plain GPT-2 (SP) forward pass computes the same logits
 * (reference-facts 1.9, after Cerebras' {@code fold_mup.py}):
 * <ul>
 *   <li>wte and wpe are multiplied by m_emb; because the multiplier is applied to their sum, scaling each is exact;</li>
 *   <li>the LM head becomes the original wte times output_logits_scale = alpha * width_scale; the embeddings are
 *       therefore untied;</li>
 *   <li>with {@code scale_qk_dot_by_d}, every key projection weight and bias is divided by sqrt(d_head): SP divides
 *       q.k by sqrt(d_head), so pre-dividing k gives muP's q.k / d_head. In the fused c_attn ([d, 3d], Q|K|V along the
 *       output dimension) the key is the middle third of each row and of the bias.</li>
 * </ul>
 */
public final class MupFolding {
    private MupFolding() {
    }

    /** Returns the SP checkpoint equivalent to {@code mupModel}; an SP checkpoint is returned unchanged. */
    public static Gpt2Checkpoint fold(Gpt2Checkpoint mupModel) {
        Gpt2Config config = mupModel.config();
        MupMultipliers mup = config.mup();
        if (mup == null) {
            return mupModel;
        }
        Map<String, FloatTensor> out = new LinkedHashMap<>(mupModel.tensors());
        FloatTensor wte = mupModel.tensor(Gpt2Layout.WTE);
        float embeddingScale = (float) mup.embeddingsScale();
        out.put(Gpt2Layout.WTE, wte.times(embeddingScale));
        out.put(Gpt2Layout.WPE, mupModel.tensor(Gpt2Layout.WPE).times(embeddingScale));
        out.put(Gpt2Layout.LM_HEAD, mupModel.lmHead().times((float) mup.outputLogitsScale()));
        if (mup.scaleQkDotByD()) {
            float keyScale = (float) (1.0 / Math.sqrt(config.headDim()));
            for (int i = 0; i < config.nLayer(); i++) {
                for (ParameterName qkv : new ParameterName[] {ParameterName.QKV_WEIGHT, ParameterName.QKV_BIAS}) {
                    String name = Gpt2Layout.hfName(qkv, i);
                    out.put(name, scaleKeyColumns(mupModel.tensor(name), config.nEmbd(), keyScale));
                }
            }
        }
        return new Gpt2Checkpoint(config.withMup(null, false), out);
    }

    /** Scales columns [d, 2d) of every row of a [rows, 3d] (or [3d]) tensor. */
    static FloatTensor scaleKeyColumns(FloatTensor qkv, int d, float factor) {
        float[] data = qkv.data().clone();
        int width = 3 * d;
        for (int row = 0; row < data.length / width; row++) {
            int base = row * width + d;
            for (int j = 0; j < d; j++) {
                data[base + j] *= factor;
            }
        }
        return new FloatTensor(qkv.shape().clone(), data);
    }
}
