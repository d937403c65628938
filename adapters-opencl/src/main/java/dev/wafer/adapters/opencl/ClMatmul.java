package dev.wafer.adapters.opencl;

import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * Linear layer as three launches of one register-blocked GEMM with strided operands (64 x 64 blocks of output,
 * operands staged in local memory), or of {@code gemmRows} for a product of at most {@link #ROWS_BY_COLUMN} rows:
 * {@code out = inp·Wᵀ + b}, {@code dinp = dout·W}, {@code dW += doutᵀ·inp}; {@code db += Σ rows dout}
 * ({@link ClColumnSums}).
 */
final class ClMatmul implements MatmulKernel {
    /** Rows of output up to which a product takes {@code gemmRows}, a work-item per column (decoding). */
    static final int ROWS_BY_COLUMN = 4;

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
                ClColumnSums.accumulate(rt, db.offset, -1, dy.offset, -1, -1, -1, n, oc);
            }
        }
    }

    private void gemm(int c0, int a, int aRow, int aCol, int b, int bRow, int bCol, int bias, int rows, int cols,
                      int inner, boolean accumulate) {
        if (rows > 0 && cols > 0 && rows <= ROWS_BY_COLUMN) {
            rt.launch(ClArgs.of(ClKernel.GEMM_ROWS).buffer("out", c0).buffer("a", a).integer("aRowStride", aRow)
                    .integer("aColStride", aCol).buffer("b", b).integer("bRowStride", bRow)
                    .integer("bColStride", bCol).buffer("bias", Math.max(bias, 0)).integer("hasBias", bias >= 0 ? 1 : 0)
                    .integer("rows", rows).integer("cols", cols).integer("inner", inner)
                    .integer("accumulate", accumulate ? 1 : 0), cols);
        } else {
            ClGemm.run(rt, c0, cols, 0, ClGemm.Operand.of(a, aRow, aCol), ClGemm.Operand.of(b, bRow, bCol), bias, rows,
                    cols, inner, accumulate, 1, ClGemm.Causal.NONE);
        }
    }
}
