package dev.wafer.adapters.cpu;

import java.lang.foreign.MemorySegment;

import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * The bf16 linear layer on oneDNN's bf16 matmul: each operand is rounded to bf16 once per call into its own native
 * buffer and fed to oneDNN as stored (transposition by strides, no transposed copies). In the backward pass the
 * output gradient is rounded once and serves both the input gradient ({@code dY·W}) and the weight gradient
 * ({@code dYᵀ·X}). Bias add and bias gradient are float32, the latter from the unrounded output gradient; the
 * numbers are those of {@link CpuMixedMatmul} in bf16 up to float32 summation order.
 */
final class OneDnnMatmul implements MatmulKernel {
    private final OneDnnBf16Gemm gemm;
    private final CpuMatmul fp32;
    private final Bf16Buffer x16 = new Bf16Buffer();
    private final Bf16Buffer w16 = new Bf16Buffer();
    private final Bf16Buffer g16 = new Bf16Buffer();

    OneDnnMatmul(OneDnnBf16Gemm gemm, CpuMatmul fp32) {
        this.gemm = gemm;
        this.fp32 = fp32;
    }

    @Override
    public void forward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int c, int oc) {
        CpuTensor o = CpuTensor.of(out, (long) n * oc);
        CpuTensor x = CpuTensor.of(inp, (long) n * c);
        CpuTensor w = CpuTensor.of(weight, (long) oc * c);
        CpuTensor bs = CpuTensor.ofNullable(bias, oc);
        Bf16Pack packer = gemm.packer();
        MemorySegment xs = x16.pack(packer, x.data, x.offset, c, n, c);
        MemorySegment ws = w16.pack(packer, w.data, w.offset, c, oc, c);
        if (bs != null) {
            fp32.broadcastBias(o, bs, n, oc);
        }
        gemm.gemm(false, true, n, oc, c, xs, ws, o.data, o.offset, oc, bs != null);
    }

    @Override
    public void backward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                         int n, int c, int oc) {
        CpuTensor di = CpuTensor.ofNullable(dinp, (long) n * c);
        CpuTensor dw = CpuTensor.of(dweight, (long) oc * c);
        CpuTensor db = CpuTensor.ofNullable(dbias, oc);
        CpuTensor g = CpuTensor.of(dout, (long) n * oc);
        CpuTensor x = CpuTensor.of(inp, (long) n * c);
        CpuTensor w = CpuTensor.of(weight, (long) oc * c);
        Bf16Pack packer = gemm.packer();
        MemorySegment gs = g16.pack(packer, g.data, g.offset, oc, n, oc);
        if (di != null) {
            MemorySegment ws = w16.pack(packer, w.data, w.offset, c, oc, c);
            gemm.gemm(false, false, n, c, oc, gs, ws, di.data, di.offset, c, false);
        }
        MemorySegment xs = x16.pack(packer, x.data, x.offset, c, n, c);
        gemm.gemm(true, false, oc, c, n, gs, xs, dw.data, dw.offset, c, true);
        if (db != null) {
            fp32.biasGradient(db, g, n, oc);
        }
    }
}
