package dev.wafer.adapters.cpu;

import dev.wafer.ports.compute.EncoderKernel;
import dev.wafer.ports.compute.Tensor;

/** Token + position embedding. The backward splits channels over workers, so repeated tokens never race. */
final class CpuEncoder implements EncoderKernel {
    private final Parallel parallel;

    CpuEncoder(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void forward(Tensor out, int[] tokens, Tensor wte, Tensor wpe, int b, int t, int c, float multiplier) {
        parallel.requireOpen();
        CpuTensor o = CpuTensor.of(out, (long) b * t * c);
        CpuTensor te = CpuTensor.of(wte);
        CpuTensor pe = CpuTensor.of(wpe, (long) t * c);
        int vocab = (int) (te.length() / c);
        checkTokens(tokens, b * t, vocab);
        parallel.range(b * t, 16, (w, from, to) -> {
            for (int bt = from; bt < to; bt++) {
                int oo = o.offset + bt * c;
                int to2 = te.offset + tokens[bt] * c;
                int po = pe.offset + (bt % t) * c;
                for (int i = 0; i < c; i++) {
                    o.data[oo + i] = multiplier * (te.data[to2 + i] + pe.data[po + i]);
                }
            }
        });
    }

    @Override
    public void backward(Tensor dwte, Tensor dwpe, Tensor dout, int[] tokens, int b, int t, int c, float multiplier) {
        parallel.requireOpen();
        CpuTensor dte = CpuTensor.of(dwte);
        CpuTensor dpe = CpuTensor.of(dwpe, (long) t * c);
        CpuTensor g = CpuTensor.of(dout, (long) b * t * c);
        checkTokens(tokens, b * t, (int) (dte.length() / c));
        parallel.range(c, 32, (w, from, to) -> {
            for (int bt = 0; bt < b * t; bt++) {
                int go = g.offset + bt * c;
                int teo = dte.offset + tokens[bt] * c;
                int peo = dpe.offset + (bt % t) * c;
                for (int i = from; i < to; i++) {
                    float d = multiplier * g.data[go + i];
                    dte.data[teo + i] += d;
                    dpe.data[peo + i] += d;
                }
            }
        });
    }

    private static void checkTokens(int[] tokens, int n, int vocab) {
        if (tokens.length < n) {
            throw new IllegalArgumentException("need " + n + " token ids, got " + tokens.length);
        }
        for (int i = 0; i < n; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException("token id " + tokens[i] + " at " + i + " outside [0, " + vocab + ")");
            }
        }
    }
}
