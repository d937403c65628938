package dev.wafer.formats.hf;

/**
 * A deliberately naive GPT-2 forward pass in double precision, straight from the GPT2LMHeadModel layout, with the
 * muP multipliers of a btlm config applied where Cerebras applies them. Test-only: it exists to show that a folded
 * muP checkpoint, run as plain GPT-2, gives the same logits as the muP model.
 */
final class ReferenceGpt2 {
    private ReferenceGpt2() {
    }

    static double[][] logits(Gpt2Checkpoint m, int[] tokens) {
        Gpt2Config c = m.config();
        MupMultipliers mup = c.mup();
        int d = c.nEmbd();
        int t = tokens.length;
        double embScale = mup == null ? 1 : mup.embeddingsScale();
        double[][] x = new double[t][d];
        float[] wte = m.tensor(Gpt2Layout.WTE).data();
        float[] wpe = m.tensor(Gpt2Layout.WPE).data();
        for (int p = 0; p < t; p++) {
            for (int i = 0; i < d; i++) {
                x[p][i] = embScale * (wte[tokens[p] * d + i] + wpe[p * d + i]);
            }
        }
        int heads = c.nHead();
        int dh = c.headDim();
        double attnScale = mup != null && mup.scaleQkDotByD() ? 1.0 / dh : 1.0 / Math.sqrt(dh);
        for (int l = 0; l < c.nLayer(); l++) {
            String h = Gpt2Layout.block(l);
            double[][] a = layerNorm(x, m.tensor(h + "ln_1.weight"), m.tensor(h + "ln_1.bias"), c.layerNormEpsilon());
            double[][] qkv = linear(a, m.tensor(h + "attn.c_attn.weight"), m.tensor(h + "attn.c_attn.bias"));
            double[][] att = new double[t][d];
            for (int hd = 0; hd < heads; hd++) {
                for (int i = 0; i < t; i++) {
                    double[] s = new double[i + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= i; j++) {
                        double dot = 0;
                        for (int k = 0; k < dh; k++) {
                            dot += qkv[i][hd * dh + k] * qkv[j][d + hd * dh + k];
                        }
                        s[j] = dot * attnScale;
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= i; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int j = 0; j <= i; j++) {
                        for (int k = 0; k < dh; k++) {
                            att[i][hd * dh + k] += s[j] / sum * qkv[j][2 * d + hd * dh + k];
                        }
                    }
                }
            }
            add(x, linear(att, m.tensor(h + "attn.c_proj.weight"), m.tensor(h + "attn.c_proj.bias")));
            double[][] n2 = layerNorm(x, m.tensor(h + "ln_2.weight"), m.tensor(h + "ln_2.bias"), c.layerNormEpsilon());
            double[][] f = linear(n2, m.tensor(h + "mlp.c_fc.weight"), m.tensor(h + "mlp.c_fc.bias"));
            for (double[] row : f) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = gelu(row[i], c.activation());
                }
            }
            add(x, linear(f, m.tensor(h + "mlp.c_proj.weight"), m.tensor(h + "mlp.c_proj.bias")));
        }
        double[][] hf = layerNorm(x, m.tensor("transformer.ln_f.weight"), m.tensor("transformer.ln_f.bias"), c.layerNormEpsilon());
        double outScale = mup == null ? 1 : mup.outputLogitsScale();
        float[] head = m.lmHead().data();
        double[][] logits = new double[t][c.vocabSize()];
        for (int p = 0; p < t; p++) {
            for (int v = 0; v < c.vocabSize(); v++) {
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += hf[p][i] * head[v * d + i];
                }
                logits[p][v] = outScale * dot;
            }
        }
        return logits;
    }

    private static double gelu(double x, Gpt2Activation activation) {
        if (activation == Gpt2Activation.GELU_NEW) {
            return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
        }
        return 0.5 * x * (1 + dev.wafer.conformance.reference.Erf.erf(x / Math.sqrt(2)));
    }

    /** Conv1D: out = in @ W + b with W stored [in, out]. */
    private static double[][] linear(double[][] in, FloatTensor w, FloatTensor b) {
        int nIn = w.shape()[0];
        int nOut = w.shape()[1];
        double[][] out = new double[in.length][nOut];
        for (int p = 0; p < in.length; p++) {
            for (int o = 0; o < nOut; o++) {
                double s = b.data()[o];
                for (int i = 0; i < nIn; i++) {
                    s += in[p][i] * w.data()[i * nOut + o];
                }
                out[p][o] = s;
            }
        }
        return out;
    }

    private static double[][] layerNorm(double[][] x, FloatTensor g, FloatTensor b, double eps) {
        double[][] out = new double[x.length][];
        for (int p = 0; p < x.length; p++) {
            int d = x[p].length;
            double mean = 0;
            for (double v : x[p]) {
                mean += v / d;
            }
            double var = 0;
            for (double v : x[p]) {
                var += (v - mean) * (v - mean) / d;
            }
            out[p] = new double[d];
            for (int i = 0; i < d; i++) {
                out[p][i] = (x[p][i] - mean) / Math.sqrt(var + eps) * g.data()[i] + b.data()[i];
            }
        }
        return out;
    }

    private static void add(double[][] x, double[][] y) {
        for (int p = 0; p < x.length; p++) {
            for (int i = 0; i < x[p].length; i++) {
                x[p][i] += y[p][i];
            }
        }
    }
}
