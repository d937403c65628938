package dev.wafer.adapters.cpu;

import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;

import dev.wafer.ports.compute.LayerNormKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * LayerNorm with row statistics in double; parameter gradients split by channel so workers never race. The forward
 * may write a bf16 output ({@code Capability.BF16_STORAGE}): each float32 result rounded to nearest even as it is
 * stored, the bits {@link Bf16Pack} gives the same value.
 */
final class CpuLayerNorm implements LayerNormKernel {
    private final Parallel parallel;
    private final Scratch scratch;

    CpuLayerNorm(Parallel parallel) {
        this.parallel = parallel;
        this.scratch = new Scratch(parallel.workers());
    }

    @Override
    public void forward(Tensor out, Tensor mean, Tensor rstd, Tensor inp, Tensor weight, Tensor bias, int n, int c) {
        CpuTensor o = CpuTensor.ofEither(out, (long) n * c);
        MemorySegment o16 = o.isBf16() ? o.bf16(0, (long) n * c) : null;
        CpuTensor mu = CpuTensor.of(mean, n);
        CpuTensor rs = CpuTensor.of(rstd, n);
        CpuTensor x = CpuTensor.of(inp, (long) n * c);
        CpuTensor w = CpuTensor.of(weight, c);
        CpuTensor bs = CpuTensor.of(bias, c);
        parallel.range(n, 8, (wk, from, to) -> {
            for (int r = from; r < to; r++) {
                int xo = x.offset + r * c;
                double s = 0;
                for (int i = 0; i < c; i++) {
                    s += x.data[xo + i];
                }
                double m = s / c;
                double v = 0;
                for (int i = 0; i < c; i++) {
                    double d = x.data[xo + i] - m;
                    v += d * d;
                }
                float fm = (float) m;
                float fr = (float) (1.0 / Math.sqrt(v / c + EPSILON));
                if (o16 == null) {
                    int oo = o.offset + r * c;
                    for (int i = 0; i < c; i++) {
                        o.data[oo + i] = (x.data[xo + i] - fm) * fr * w.data[w.offset + i] + bs.data[bs.offset + i];
                    }
                } else {
                    long oo = 2L * r * c;
                    for (int i = 0; i < c; i++) {
                        float y = (x.data[xo + i] - fm) * fr * w.data[w.offset + i] + bs.data[bs.offset + i];
                        o16.set(JAVA_SHORT_UNALIGNED, oo + 2L * i, Bf16Pack.bits(y));
                    }
                }
                mu.data[mu.offset + r] = fm;
                rs.data[rs.offset + r] = fr;
            }
        });
    }

    @Override
    public void backward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                         Tensor mean, Tensor rstd, int n, int c) {
        CpuTensor di = CpuTensor.of(dinp, (long) n * c);
        CpuTensor dw = CpuTensor.of(dweight, c);
        CpuTensor db = CpuTensor.of(dbias, c);
        CpuTensor g = CpuTensor.of(dout, (long) n * c);
        CpuTensor x = CpuTensor.of(inp, (long) n * c);
        CpuTensor w = CpuTensor.of(weight, c);
        CpuTensor mu = CpuTensor.of(mean, n);
        CpuTensor rs = CpuTensor.of(rstd, n);
        // Parameter gradients first: dinp may alias nothing, but computing them before dinp keeps the order simple.
        parallel.range(c, 32, (wk, from, to) -> {
            double[] acc = scratch.doubles(wk, 2 * (to - from));
            int len = to - from;
            java.util.Arrays.fill(acc, 0, 2 * len, 0.0);
            for (int r = 0; r < n; r++) {
                int xo = x.offset + r * c;
                int go = g.offset + r * c;
                float m = mu.data[mu.offset + r];
                float s = rs.data[rs.offset + r];
                for (int i = from; i < to; i++) {
                    float gi = g.data[go + i];
                    acc[i - from] += (x.data[xo + i] - m) * s * gi;
                    acc[len + i - from] += gi;
                }
            }
            for (int i = from; i < to; i++) {
                dw.data[dw.offset + i] += (float) acc[i - from];
                db.data[db.offset + i] += (float) acc[len + i - from];
            }
        });
        parallel.range(n, 8, (wk, from, to) -> {
            for (int r = from; r < to; r++) {
                int xo = x.offset + r * c;
                int go = g.offset + r * c;
                float m = mu.data[mu.offset + r];
                float s = rs.data[rs.offset + r];
                double dnormMean = 0;
                double dnormNormMean = 0;
                for (int i = 0; i < c; i++) {
                    float norm = (x.data[xo + i] - m) * s;
                    float dnorm = w.data[w.offset + i] * g.data[go + i];
                    dnormMean += dnorm;
                    dnormNormMean += dnorm * norm;
                }
                float a = (float) (dnormMean / c);
                float bb = (float) (dnormNormMean / c);
                int dio = di.offset + r * c;
                for (int i = 0; i < c; i++) {
                    float norm = (x.data[xo + i] - m) * s;
                    float dnorm = w.data[w.offset + i] * g.data[go + i];
                    di.data[dio + i] = (dnorm - a - norm * bb) * s;
                }
            }
        });
    }
}
