package dev.wafer.adapters.cpu;

import java.lang.foreign.MemorySegment;

import dev.wafer.ports.compute.LayerNormKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * LayerNorm with row statistics in double ({@link DoubleSums}); parameter gradients split by channel so workers
 * never race. The forward may write a bf16 output ({@code Capability.BF16_STORAGE}): each row is computed in float32
 * and rounded to nearest even as it is stored, the bits {@link Bf16Pack} gives the same values.
 */
final class CpuLayerNorm implements LayerNormKernel {
    private final Parallel parallel;
    private final Scratch scratch;
    private final boolean vectorized;

    /** @param vectorized round bf16 outputs with the Vector API (the same bits as the scalar loop) */
    CpuLayerNorm(Parallel parallel, boolean vectorized) {
        this.parallel = parallel;
        this.scratch = new Scratch(parallel.workers());
        this.vectorized = vectorized;
    }

    @Override
    public void forward(Tensor out, Tensor mean, Tensor rstd, Tensor inp, Tensor weight, Tensor bias, int n, int c) {
        parallel.requireOpen();
        CpuTensor o = CpuTensor.ofEither(out, (long) n * c);
        MemorySegment o16 = o.isBf16() ? o.bf16(0, (long) n * c) : null;
        CpuTensor mu = CpuTensor.of(mean, n);
        CpuTensor rs = CpuTensor.of(rstd, n);
        CpuTensor x = CpuTensor.of(inp, (long) n * c);
        CpuTensor w = CpuTensor.of(weight, c);
        CpuTensor bs = CpuTensor.of(bias, c);
        parallel.range(n, 8, (wk, from, to) -> {
            // A bf16 output's row is built in float32 scratch, then rounded into place.
            float[] row = o16 == null ? null : scratch.floats(wk, c);
            for (int r = from; r < to; r++) {
                int xo = x.offset + r * c;
                double m = DoubleSums.sum(x.data, xo, c) / c;
                double v = DoubleSums.squaredDeviations(x.data, xo, c, m);
                float fm = (float) m;
                float fr = (float) (1.0 / Math.sqrt(v / c + EPSILON));
                float[] y = o16 == null ? o.data : row;
                int yo = o16 == null ? o.offset + r * c : 0;
                for (int i = 0; i < c; i++) {
                    y[yo + i] = (x.data[xo + i] - fm) * fr * w.data[w.offset + i] + bs.data[bs.offset + i];
                }
                if (o16 != null) {
                    Bf16Pack.packRow(row, 0, o16, 2L * r * c, c, vectorized);
                }
                mu.data[mu.offset + r] = fm;
                rs.data[rs.offset + r] = fr;
            }
        });
    }

    @Override
    public void backward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                         Tensor mean, Tensor rstd, int n, int c) {
        parallel.requireOpen();
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
                // Two running sums each, interleaved (as DoubleSums does): the adder's latency, not one chain.
                double d0 = 0;
                double d1 = 0;
                double n0 = 0;
                double n1 = 0;
                int i = 0;
                for (; i <= c - 2; i += 2) {
                    float dnormA = w.data[w.offset + i] * g.data[go + i];
                    float dnormB = w.data[w.offset + i + 1] * g.data[go + i + 1];
                    d0 += dnormA;
                    d1 += dnormB;
                    n0 += dnormA * ((x.data[xo + i] - m) * s);
                    n1 += dnormB * ((x.data[xo + i + 1] - m) * s);
                }
                for (; i < c; i++) {
                    float dnorm = w.data[w.offset + i] * g.data[go + i];
                    d0 += dnorm;
                    n0 += dnorm * ((x.data[xo + i] - m) * s);
                }
                float a = (float) ((d0 + d1) / c);
                float bb = (float) ((n0 + n1) / c);
                int dio = di.offset + r * c;
                for (int j = 0; j < c; j++) {
                    float norm = (x.data[xo + j] - m) * s;
                    float dnorm = w.data[w.offset + j] * g.data[go + j];
                    di.data[dio + j] = (dnorm - a - norm * bb) * s;
                }
            }
        });
    }
}
