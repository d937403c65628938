package dev.wafer.conformance.reference;

import java.util.EnumSet;
import java.util.Set;

import dev.wafer.ports.compute.AdamWKernel;
import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.CrossEntropyKernel;
import dev.wafer.ports.compute.EncoderKernel;
import dev.wafer.ports.compute.GeluKernel;
import dev.wafer.ports.compute.LayerNormKernel;
import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.MissingCapabilityException;
import dev.wafer.ports.compute.ReductionKernel;
import dev.wafer.ports.compute.ResidualKernel;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/**
 * A slow backend that runs {@link ReferenceKernels} in double and rounds results to float32. It exists so that
 * the domain can be tested without a real adapter, and so that the contract suite can be checked on itself.
 * It can be built with fewer capabilities, to test that a missing one fails up front.
 */
public final class ReferenceBackend implements ComputeBackend {
    private final Set<Capability> capabilities;

    /** A reference backend with every float32 capability (mixed precision is the CPU backend's). */
    public ReferenceBackend() {
        this(EnumSet.complementOf(EnumSet.of(Capability.BF16, Capability.FP16, Capability.BF16_STORAGE,
                Capability.FUSED_ATTENTION, Capability.FUSED_ATTENTION_FP32)));
    }

    /** A reference backend declaring only {@code capabilities}. */
    public ReferenceBackend(Set<Capability> capabilities) {
        this.capabilities = Set.copyOf(capabilities);
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public TensorScope openScope() {
        return new ReferenceScope();
    }

    private void need(Capability c) {
        if (!capabilities.contains(c)) {
            throw new MissingCapabilityException(name(), EnumSet.of(c));
        }
    }

    private static HostTensor h(Tensor t) {
        return HostTensor.of(t);
    }

    @Override
    public EncoderKernel encoder() {
        need(Capability.ENCODER);
        return new EncoderKernel() {
            @Override
            public void forward(Tensor out, int[] tokens, Tensor wte, Tensor wpe, int b, int t, int c, float mult) {
                double[] o = new double[b * t * c];
                ReferenceKernels.encoderForward(o, tokens, h(wte).read((int) wte.length()),
                        h(wpe).read(t * c), b, t, c, mult);
                h(out).write(o, o.length);
            }

            @Override
            public void backward(Tensor dwte, Tensor dwpe, Tensor dout, int[] tokens, int b, int t, int c, float mult) {
                double[] dte = h(dwte).read((int) dwte.length());
                double[] dpe = h(dwpe).read(t * c);
                ReferenceKernels.encoderBackward(dte, dpe, h(dout).read(b * t * c), tokens, b, t, c, mult);
                h(dwte).write(dte, dte.length);
                h(dwpe).write(dpe, dpe.length);
            }
        };
    }

    @Override
    public LayerNormKernel layerNorm() {
        need(Capability.LAYER_NORM);
        return new LayerNormKernel() {
            @Override
            public void forward(Tensor out, Tensor mean, Tensor rstd, Tensor inp, Tensor w, Tensor bias, int n, int c) {
                double[] o = new double[n * c];
                double[] m = new double[n];
                double[] r = new double[n];
                ReferenceKernels.layerNormForward(o, m, r, h(inp).read(n * c), h(w).read(c), h(bias).read(c), n, c,
                        EPSILON);
                h(out).write(o, o.length);
                h(mean).write(m, n);
                h(rstd).write(r, n);
            }

            @Override
            public void backward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor w,
                                 Tensor mean, Tensor rstd, int n, int c) {
                double[] di = new double[n * c];
                double[] dw = h(dweight).read(c);
                double[] db = h(dbias).read(c);
                ReferenceKernels.layerNormBackward(di, dw, db, h(dout).read(n * c), h(inp).read(n * c), h(w).read(c),
                        h(mean).read(n), h(rstd).read(n), n, c);
                h(dinp).write(di, di.length);
                h(dweight).write(dw, c);
                h(dbias).write(db, c);
            }
        };
    }

    @Override
    public MatmulKernel matmul() {
        need(Capability.MATMUL);
        return new MatmulKernel() {
            @Override
            public void forward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int c, int oc) {
                double[] o = new double[n * oc];
                ReferenceKernels.matmulForward(o, h(inp).read(n * c), h(weight).read(oc * c),
                        bias == null ? null : h(bias).read(oc), n, c, oc);
                h(out).write(o, o.length);
            }

            @Override
            public void backward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                                 int n, int c, int oc) {
                double[] di = dinp == null ? null : new double[n * c];
                double[] dw = h(dweight).read(oc * c);
                double[] db = dbias == null ? null : h(dbias).read(oc);
                ReferenceKernels.matmulBackward(di, dw, db, h(dout).read(n * oc), h(inp).read(n * c),
                        h(weight).read(oc * c), n, c, oc);
                if (di != null) {
                    h(dinp).write(di, di.length);
                }
                h(dweight).write(dw, dw.length);
                if (db != null) {
                    h(dbias).write(db, oc);
                }
            }
        };
    }

    @Override
    public AttentionKernel attention() {
        need(Capability.ATTENTION);
        return new AttentionKernel() {
            @Override
            public void forward(Tensor out, Tensor att, Tensor qkv, int b, int t, int c, int nh, float scale) {
                double[] o = new double[b * t * c];
                double[] a = new double[b * nh * t * t];
                ReferenceKernels.attentionForward(o, a, h(qkv).read(b * t * 3 * c), b, t, c, nh, scale);
                h(out).write(o, o.length);
                h(att).write(a, a.length);
            }

            @Override
            public void backward(Tensor dqkv, Tensor dout, Tensor qkv, Tensor att, int b, int t, int c, int nh,
                                 float scale) {
                double[] d = new double[b * t * 3 * c];
                ReferenceKernels.attentionBackward(d, h(dout).read(b * t * c), h(qkv).read(d.length),
                        h(att).read(b * nh * t * t), b, t, c, nh, scale);
                h(dqkv).write(d, d.length);
            }

            @Override
            public void forwardAfterPrefix(Tensor out, Tensor qkv, Tensor prefixQkv, int[] prefixStart,
                                           int[] prefixLength, int b, int t, int c, int nh, float scale) {
                need(Capability.PREFIX_ATTENTION);
                AttentionKernel.checkPrefixes(prefixQkv, prefixStart, prefixLength, b, t, c, nh);
                double[] x = h(qkv).read(b * t * 3 * c);
                double[] p = h(prefixQkv).read((int) (prefixQkv.length() / (3L * c)) * 3 * c);
                double[] o = new double[b * t * c];
                for (int i = 0; i < b; i++) {
                    ReferenceKernels.attentionAfterPrefix(o, i * t * c, x, i * t * 3 * c, p,
                            prefixStart[i] * 3 * c, prefixLength[i], t, c, nh, scale);
                }
                h(out).write(o, o.length);
            }

            @Override
            public void forwardCached(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int pos, int c, int nh,
                                      float scale) {
                if (nh <= 0 || c % nh != 0 || pos < 0 || (long) (pos + 1) * c > kCache.length()
                        || (long) (pos + 1) * c > vCache.length()) {
                    throw new IllegalArgumentException("cached attention at position " + pos + " with C=" + c
                            + ", NH=" + nh + " does not fit caches of " + kCache.length() + " and " + vCache.length());
                }
                int rows = (pos + 1) * c;
                double[] k = h(kCache).read(rows);
                double[] v = h(vCache).read(rows);
                double[] o = new double[c];
                ReferenceKernels.attentionCached(o, h(qkv).read(3 * c), k, v, pos, c, nh, scale);
                h(kCache).write(k, rows);
                h(vCache).write(v, rows);
                h(out).write(o, c);
            }
        };
    }

    @Override
    public GeluKernel gelu() {
        need(Capability.GELU);
        return new GeluKernel() {
            @Override
            public void forward(Tensor out, Tensor inp, int n) {
                double[] o = new double[n];
                ReferenceKernels.geluForward(o, h(inp).read(n), n);
                h(out).write(o, n);
            }

            @Override
            public void backward(Tensor dinp, Tensor inp, Tensor dout, int n) {
                double[] d = new double[n];
                ReferenceKernels.geluBackward(d, h(inp).read(n), h(dout).read(n), n);
                h(dinp).write(d, n);
            }
        };
    }

    @Override
    public ResidualKernel residual() {
        need(Capability.RESIDUAL);
        return new ResidualKernel() {
            @Override
            public void forward(Tensor out, Tensor a, Tensor b, int n) {
                double[] o = new double[n];
                ReferenceKernels.residualForward(o, h(a).read(n), h(b).read(n), n);
                h(out).write(o, n);
            }

            @Override
            public void backward(Tensor da, Tensor db, Tensor dout, int n) {
                double[] d = h(dout).read(n);
                if (da != null) {
                    h(da).write(d, n);
                }
                if (db != null) {
                    h(db).write(d, n);
                }
            }
        };
    }

    @Override
    public CrossEntropyKernel crossEntropy() {
        need(Capability.SOFTMAX_CROSS_ENTROPY);
        return new CrossEntropyKernel() {
            @Override
            public void forward(Tensor losses, Tensor probs, Tensor logits, int[] targets, int n, int v, float s) {
                double[] l = new double[n];
                double[] p = new double[n * v];
                ReferenceKernels.crossEntropyForward(l, p, h(logits).read(n * v), targets, n, v, s);
                h(losses).write(l, n);
                h(probs).write(p, p.length);
            }

            @Override
            public void backward(Tensor dlogits, Tensor probs, int[] targets, int n, int v, float s, float dloss) {
                double[] d = new double[n * v];
                ReferenceKernels.crossEntropyBackward(d, h(probs).read(n * v), targets, n, v, s, dloss);
                h(dlogits).write(d, d.length);
            }
        };
    }

    @Override
    public AdamWKernel adamW() {
        need(Capability.ADAMW);
        return (params, grads, m, v, n, lr, beta1, beta2, eps, wd, step) -> {
            double[] p = h(params).read(n);
            double[] mm = h(m).read(n);
            double[] vv = h(v).read(n);
            ReferenceKernels.adamW(p, h(grads).read(n), mm, vv, n, lr, beta1, beta2, eps, wd, step);
            h(params).write(p, n);
            h(m).write(mm, n);
            h(v).write(vv, n);
        };
    }

    @Override
    public ReductionKernel reductions() {
        need(Capability.REDUCTIONS);
        return new ReductionKernel() {
            @Override
            public double sumOfSquares(Tensor x, int n) {
                return ReferenceKernels.sumOfSquares(h(x).read(n), n);
            }

            @Override
            public void scale(Tensor x, int n, float factor) {
                double[] d = h(x).read(n);
                for (int i = 0; i < n; i++) {
                    d[i] *= factor;
                }
                h(x).write(d, n);
            }

            @Override
            public void fill(Tensor x, int n, float value) {
                double[] d = new double[n];
                java.util.Arrays.fill(d, value);
                h(x).write(d, n);
            }
        };
    }

    @Override
    public void close() {
        // Nothing to release: heap memory only.
    }
}
