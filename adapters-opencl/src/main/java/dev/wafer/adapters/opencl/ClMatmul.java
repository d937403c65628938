package dev.wafer.adapters.opencl;

import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * Linear layer as three launches of one tiled GEMM with strided operands (16x16 tiles in local memory):
 * {@code out = inp·Wᵀ + b}, {@code dinp = dout·W}, {@code dW += doutᵀ·inp}; {@code db += Σ rows dout}.
 */
final class ClMatmul implements MatmulKernel {
    private final ClRuntime rt;

    ClMatmul(ClRuntime rt) {
        this.rt = rt;
    }

    @Override
    public void forward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int c, int oc) {
        ClTensor o = ClTensor.of(rt, out, (long) n * oc);
        ClTensor x = ClTensor.of(rt, inp, (long) n * c);
        ClTensor w = ClTensor.of(rt, weight, (long) oc * c);
        ClTensor b = ClTensor.ofNullable(rt, bias, oc);
        synchronized (rt) {
            // A(m,k) = inp[m*c + k]; B(k,j) = W[j*c + k]
            gemm(o.offset, x.offset, c, 1, w.offset, 1, c, b == null ? -1 : b.offset, n, oc, c, false);
        }
    }

    @Override
    public void backward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                         int n, int c, int oc) {
        ClTensor dx = ClTensor.ofNullable(rt, dinp, (long) n * c);
        ClTensor dw = ClTensor.of(rt, dweight, (long) oc * c);
        ClTensor db = ClTensor.ofNullable(rt, dbias, oc);
        ClTensor dy = ClTensor.of(rt, dout, (long) n * oc);
        ClTensor x = ClTensor.of(rt, inp, (long) n * c);
        ClTensor w = ClTensor.of(rt, weight, (long) oc * c);
        synchronized (rt) {
            if (dx != null) {
                // dinp(n,c) = dout(n,oc) · W(oc,c): A(m,k) = dout[m*oc + k]; B(k,j) = W[k*c + j]
                gemm(dx.offset, dy.offset, oc, 1, w.offset, c, 1, -1, n, c, oc, false);
            }
            // dW(oc,c) += dout(n,oc)ᵀ · inp(n,c): A(m,k) = dout[k*oc + m]; B(k,j) = inp[k*c + j]
            gemm(dw.offset, dy.offset, 1, oc, x.offset, c, 1, -1, oc, c, n, true);
            if (db != null) {
                ClProgram p = rt.program();
                p.o0 = db.offset;
                p.o1 = dy.offset;
                p.n0 = n;
                p.n1 = oc;
                rt.launchOver(ClProgram.COLUMN_SUM_ACCUMULATE, oc);
            }
        }
    }

    private void gemm(int c0, int a, int aRow, int aCol, int b, int bRow, int bCol, int bias, int rows, int cols,
                      int inner, boolean accumulate) {
        ClProgram p = rt.program();
        p.o0 = c0;
        p.o1 = a;
        p.s0 = aRow;
        p.s1 = aCol;
        p.o2 = b;
        p.s2 = bRow;
        p.s3 = bCol;
        p.o3 = Math.max(bias, 0);
        p.n3 = bias >= 0 ? 1 : 0;
        p.n0 = rows;
        p.n1 = cols;
        p.n2 = inner;
        p.n4 = accumulate ? 1 : 0;
        if (rows > 0 && cols > 0) {
            rt.launchGemm(rows, cols);
        }
    }
}
