package dev.wafer.adapters.cpu;

import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.Tensor;

/** Matmul with bias: three GEMMs (forward, dinp, dweight) and a column sum for dbias. */
final class CpuMatmul implements MatmulKernel {
    private final Sgemm sgemm;
    private final Parallel parallel;
    private final Scratch scratch;

    CpuMatmul(Sgemm sgemm, Parallel parallel) {
        this.sgemm = sgemm;
        this.parallel = parallel;
        this.scratch = new Scratch(parallel.workers());
    }

    @Override
    public void forward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int c, int oc) {
        parallel.requireOpen();
        CpuTensor o = CpuTensor.of(out, (long) n * oc);
        CpuTensor x = CpuTensor.of(inp, (long) n * c);
        CpuTensor w = CpuTensor.of(weight, (long) oc * c);
        CpuTensor bs = CpuTensor.ofNullable(bias, oc);
        if (bs != null) {
            broadcastBias(o, bs, n, oc);
        }
        // out(N,OC) = inp(N,C) · W(OC,C)ᵀ
        sgemm.gemm(false, true, n, oc, c, x.data, x.offset, c, w.data, w.offset, c, o.data, o.offset, oc, bs != null);
    }

    @Override
    public void backward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                         int n, int c, int oc) {
        parallel.requireOpen();
        CpuTensor di = CpuTensor.ofNullable(dinp, (long) n * c);
        CpuTensor dw = CpuTensor.of(dweight, (long) oc * c);
        CpuTensor db = CpuTensor.ofNullable(dbias, oc);
        CpuTensor g = CpuTensor.of(dout, (long) n * oc);
        CpuTensor x = CpuTensor.of(inp, (long) n * c);
        CpuTensor w = CpuTensor.of(weight, (long) oc * c);
        if (di != null) {
            // dinp(N,C) = dout(N,OC) · W(OC,C), written
            sgemm.gemm(false, false, n, c, oc, g.data, g.offset, oc, w.data, w.offset, c, di.data, di.offset, c, false);
        }
        // dW(OC,C) += dout(N,OC)ᵀ · inp(N,C)
        sgemm.gemm(true, false, oc, c, n, g.data, g.offset, oc, x.data, x.offset, c, dw.data, dw.offset, c, true);
        if (db != null) {
            biasGradient(db, g, n, oc);
        }
    }

    /** Writes the bias into every row of {@code o} (N,OC). */
    void broadcastBias(CpuTensor o, CpuTensor bs, int n, int oc) {
        parallel.range(n, 16, (wk, from, to) -> {
            for (int r = from; r < to; r++) {
                System.arraycopy(bs.data, bs.offset, o.data, o.offset + r * oc, oc);
            }
        });
    }

    /** {@code db += Σ_rows g}, summed in double per column. */
    void biasGradient(CpuTensor db, CpuTensor g, int n, int oc) {
        parallel.range(oc, 64, (wk, from, to) -> {
            double[] acc = scratch.doubles(wk, to - from);
            java.util.Arrays.fill(acc, 0, to - from, 0.0);
            for (int r = 0; r < n; r++) {
                int row = g.offset + r * oc;
                for (int o = from; o < to; o++) {
                    acc[o - from] += g.data[row + o];
                }
            }
            for (int o = from; o < to; o++) {
                db.data[db.offset + o] += (float) acc[o - from];
            }
        });
    }
}
