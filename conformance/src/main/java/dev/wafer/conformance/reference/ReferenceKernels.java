package dev.wafer.conformance.reference;

/**
 * The maths of every kernel family as plain loops over double arrays, in llm.c's argument order (outputs, inputs,
 * sizes). Parameter gradients accumulate, activation gradients are written, exactly like the ports. Nothing here
 * is meant to be fast; it is meant to be obviously right.
 */
public final class ReferenceKernels {
    private ReferenceKernels() {
    }

    public static void encoderForward(double[] out, int[] tokens, double[] wte, double[] wpe,
                                      int b, int t, int c, double multiplier) {
        for (int bt = 0; bt < b * t; bt++) {
            int pos = bt % t;
            for (int i = 0; i < c; i++) {
                out[bt * c + i] = multiplier * (wte[tokens[bt] * c + i] + wpe[pos * c + i]);
            }
        }
    }

    public static void encoderBackward(double[] dwte, double[] dwpe, double[] dout, int[] tokens,
                                       int b, int t, int c, double multiplier) {
        for (int bt = 0; bt < b * t; bt++) {
            int pos = bt % t;
            for (int i = 0; i < c; i++) {
                double g = multiplier * dout[bt * c + i];
                dwte[tokens[bt] * c + i] += g;
                dwpe[pos * c + i] += g;
            }
        }
    }

    public static void layerNormForward(double[] out, double[] mean, double[] rstd, double[] inp,
                                        double[] weight, double[] bias, int n, int c, double eps) {
        for (int r = 0; r < n; r++) {
            double m = 0;
            for (int i = 0; i < c; i++) {
                m += inp[r * c + i];
            }
            m /= c;
            double var = 0;
            for (int i = 0; i < c; i++) {
                double d = inp[r * c + i] - m;
                var += d * d;
            }
            var /= c;
            double s = 1.0 / Math.sqrt(var + eps);
            for (int i = 0; i < c; i++) {
                out[r * c + i] = (inp[r * c + i] - m) * s * weight[i] + bias[i];
            }
            mean[r] = m;
            rstd[r] = s;
        }
    }

    public static void layerNormBackward(double[] dinp, double[] dweight, double[] dbias, double[] dout,
                                         double[] inp, double[] weight, double[] mean, double[] rstd, int n, int c) {
        for (int r = 0; r < n; r++) {
            double dnormMean = 0;
            double dnormNormMean = 0;
            for (int i = 0; i < c; i++) {
                double norm = (inp[r * c + i] - mean[r]) * rstd[r];
                double dnorm = weight[i] * dout[r * c + i];
                dnormMean += dnorm;
                dnormNormMean += dnorm * norm;
            }
            dnormMean /= c;
            dnormNormMean /= c;
            for (int i = 0; i < c; i++) {
                double norm = (inp[r * c + i] - mean[r]) * rstd[r];
                double dnorm = weight[i] * dout[r * c + i];
                dbias[i] += dout[r * c + i];
                dweight[i] += norm * dout[r * c + i];
                dinp[r * c + i] = (dnorm - dnormMean - norm * dnormNormMean) * rstd[r];
            }
        }
    }

    /** out(N,OC) = inp(N,C)·weight(OC,C)ᵀ + bias; bias may be null. */
    public static void matmulForward(double[] out, double[] inp, double[] weight, double[] bias, int n, int c, int oc) {
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < oc; o++) {
                double s = bias == null ? 0 : bias[o];
                for (int i = 0; i < c; i++) {
                    s += inp[r * c + i] * weight[o * c + i];
                }
                out[r * oc + o] = s;
            }
        }
    }

    public static void matmulBackward(double[] dinp, double[] dweight, double[] dbias, double[] dout,
                                      double[] inp, double[] weight, int n, int c, int oc) {
        if (dinp != null) {
            for (int r = 0; r < n; r++) {
                for (int i = 0; i < c; i++) {
                    double s = 0;
                    for (int o = 0; o < oc; o++) {
                        s += dout[r * oc + o] * weight[o * c + i];
                    }
                    dinp[r * c + i] = s;
                }
            }
        }
        for (int o = 0; o < oc; o++) {
            for (int i = 0; i < c; i++) {
                double s = 0;
                for (int r = 0; r < n; r++) {
                    s += dout[r * oc + o] * inp[r * c + i];
                }
                dweight[o * c + i] += s;
            }
            if (dbias != null) {
                double s = 0;
                for (int r = 0; r < n; r++) {
                    s += dout[r * oc + o];
                }
                dbias[o] += s;
            }
        }
    }

    public static void attentionForward(double[] out, double[] att, double[] qkv,
                                        int b, int t, int c, int nh, double scale) {
        int hs = c / nh;
        int c3 = 3 * c;
        for (int bb = 0; bb < b; bb++) {
            for (int h = 0; h < nh; h++) {
                for (int i = 0; i < t; i++) {
                    int qOff = (bb * t + i) * c3 + h * hs;
                    int aOff = ((bb * nh + h) * t + i) * t;
                    double max = Double.NEGATIVE_INFINITY;
                    double[] s = new double[i + 1];
                    for (int j = 0; j <= i; j++) {
                        int kOff = (bb * t + j) * c3 + c + h * hs;
                        double dot = 0;
                        for (int k = 0; k < hs; k++) {
                            dot += qkv[qOff + k] * qkv[kOff + k];
                        }
                        s[j] = scale * dot;
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= i; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int j = 0; j < t; j++) {
                        att[aOff + j] = j <= i ? s[j] / sum : 0.0;
                    }
                    int oOff = (bb * t + i) * c + h * hs;
                    for (int k = 0; k < hs; k++) {
                        double acc = 0;
                        for (int j = 0; j <= i; j++) {
                            acc += att[aOff + j] * qkv[(bb * t + j) * c3 + 2 * c + h * hs + k];
                        }
                        out[oOff + k] = acc;
                    }
                }
            }
        }
    }

    public static void attentionBackward(double[] dqkv, double[] dout, double[] qkv, double[] att,
                                         int b, int t, int c, int nh, double scale) {
        int hs = c / nh;
        int c3 = 3 * c;
        java.util.Arrays.fill(dqkv, 0, b * t * c3, 0.0);
        for (int bb = 0; bb < b; bb++) {
            for (int h = 0; h < nh; h++) {
                for (int i = 0; i < t; i++) {
                    int aOff = ((bb * nh + h) * t + i) * t;
                    int oOff = (bb * t + i) * c + h * hs;
                    double[] datt = new double[i + 1];
                    for (int j = 0; j <= i; j++) {
                        int vOff = (bb * t + j) * c3 + 2 * c + h * hs;
                        double d = 0;
                        for (int k = 0; k < hs; k++) {
                            d += dout[oOff + k] * qkv[vOff + k];
                            dqkv[vOff + k] += att[aOff + j] * dout[oOff + k];
                        }
                        datt[j] = d;
                    }
                    double dot = 0;
                    for (int j = 0; j <= i; j++) {
                        dot += att[aOff + j] * datt[j];
                    }
                    int qOff = (bb * t + i) * c3 + h * hs;
                    for (int j = 0; j <= i; j++) {
                        double dpre = att[aOff + j] * (datt[j] - dot) * scale;
                        int kOff = (bb * t + j) * c3 + c + h * hs;
                        for (int k = 0; k < hs; k++) {
                            dqkv[qOff + k] += dpre * qkv[kOff + k];
                            dqkv[kOff + k] += dpre * qkv[qOff + k];
                        }
                    }
                }
            }
        }
    }

    /**
     * One decoding step of {@link #attentionForward} with a key/value cache, written the plain way: store the new
     * key and value in row {@code pos} of the caches, then attend from the new query over rows {@code 0..pos}.
     *
     * @param out    (C) written
     * @param qkv    (3C) the new position's Q, K, V
     * @param kCache at least (pos+1, C); row {@code pos} written
     * @param vCache at least (pos+1, C); row {@code pos} written
     */
    /**
     * One sequence's attention after a prefix: {@link #attentionForward} over the prefix's rows of {@code prefix}
     * (from {@code prefixOff}, {@code np} rows of 3C) followed by the {@code t} rows of {@code qkv} (from
     * {@code qkvOff}), of which the last {@code t} output rows are written to {@code out} from {@code outOff}.
     */
    public static void attentionAfterPrefix(double[] out, int outOff, double[] qkv, int qkvOff, double[] prefix,
                                            int prefixOff, int np, int t, int c, int nh, double scale) {
        int n = np + t;
        double[] all = new double[n * 3 * c];
        System.arraycopy(prefix, prefixOff, all, 0, np * 3 * c);
        System.arraycopy(qkv, qkvOff, all, np * 3 * c, t * 3 * c);
        double[] o = new double[n * c];
        attentionForward(o, new double[nh * n * n], all, 1, n, c, nh, scale);
        System.arraycopy(o, np * c, out, outOff, t * c);
    }

    public static void attentionCached(double[] out, double[] qkv, double[] kCache, double[] vCache, int pos, int c,
                                       int nh, double scale) {
        System.arraycopy(qkv, c, kCache, pos * c, c);
        System.arraycopy(qkv, 2 * c, vCache, pos * c, c);
        int hs = c / nh;
        double[] s = new double[pos + 1];
        for (int h = 0; h < nh; h++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j <= pos; j++) {
                double dot = 0;
                for (int k = 0; k < hs; k++) {
                    dot += qkv[h * hs + k] * kCache[j * c + h * hs + k];
                }
                s[j] = scale * dot;
                max = Math.max(max, s[j]);
            }
            double sum = 0;
            for (int j = 0; j <= pos; j++) {
                s[j] = Math.exp(s[j] - max);
                sum += s[j];
            }
            for (int k = 0; k < hs; k++) {
                double acc = 0;
                for (int j = 0; j <= pos; j++) {
                    acc += s[j] / sum * vCache[j * c + h * hs + k];
                }
                out[h * hs + k] = acc;
            }
        }
    }

    public static void geluForward(double[] out, double[] inp, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = inp[i] * Erf.phi(inp[i]);
        }
    }

    public static void geluBackward(double[] dinp, double[] inp, double[] dout, int n) {
        for (int i = 0; i < n; i++) {
            double x = inp[i];
            double pdf = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
            dinp[i] = dout[i] * (Erf.phi(x) + x * pdf);
        }
    }

    public static void residualForward(double[] out, double[] a, double[] bb, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = a[i] + bb[i];
        }
    }

    public static void crossEntropyForward(double[] losses, double[] probs, double[] logits, int[] targets,
                                           int n, int v, double logitScale) {
        for (int r = 0; r < n; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, logitScale * logits[r * v + j]);
            }
            double sum = 0;
            for (int j = 0; j < v; j++) {
                sum += Math.exp(logitScale * logits[r * v + j] - max);
            }
            double target = logitScale * logits[r * v + targets[r]];
            losses[r] = -(target - max - Math.log(sum));
            for (int j = 0; j < v; j++) {
                probs[r * v + j] = Math.exp(logitScale * logits[r * v + j] - max) / sum;
            }
        }
    }

    public static void crossEntropyBackward(double[] dlogits, double[] probs, int[] targets, int n, int v,
                                            double logitScale, double dloss) {
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < v; j++) {
                double ind = j == targets[r] ? 1.0 : 0.0;
                dlogits[r * v + j] = dloss * logitScale * (probs[r * v + j] - ind);
            }
        }
    }

    /** The Modelzoo/HF AdamW (reference-facts 1.6): ε before bias correction, decay scaled by lr. */
    public static void adamW(double[] params, double[] grads, double[] m, double[] v, int n, double lr,
                             double beta1, double beta2, double eps, double weightDecay, int step) {
        double correction = Math.sqrt(1 - Math.pow(beta2, step)) / (1 - Math.pow(beta1, step));
        for (int i = 0; i < n; i++) {
            m[i] = beta1 * m[i] + (1 - beta1) * grads[i];
            v[i] = beta2 * v[i] + (1 - beta2) * grads[i] * grads[i];
            double u = m[i] / (Math.sqrt(v[i]) + eps) * correction;
            u += weightDecay * params[i];
            params[i] -= lr * u;
        }
    }

    public static double sumOfSquares(double[] x, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += x[i] * x[i];
        }
        return s;
    }
}
