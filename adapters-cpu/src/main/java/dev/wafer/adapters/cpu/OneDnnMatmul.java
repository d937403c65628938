package dev.wafer.adapters.cpu;

import java.lang.foreign.MemorySegment;

import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * The bf16 linear layer on oneDNN's bf16 matmul: each operand is rounded to bf16 once per call into its own native
 * buffer and fed to oneDNN as stored (transposition by strides, no transposed copies). In the backward pass the
 * output gradient is rounded once and serves both the input gradient ({@code dY·W}) and the weight gradient
 * ({@code dYᵀ·X}). Bias add and bias gradient are float32, the latter from the unrounded output gradient; the
 * numbers are those of {@link CpuMixedMatmul} in bf16 up to float32 summation order. The bias is added as the
 * product is copied out of oneDNN's buffer (one pass over the output, the same float32 sum as adding the product to
 * a broadcast bias). An output gradient of more than {@link #GRADIENT_BLOCK} values (the LM head's, 2048 x 50,257 at
 * seq 512 x batch 4) is rounded and used in blocks of columns, so that its bf16 copy stays small: each block gives
 * its rows of the weight gradient whole (one product over every row, added to the gradient once) and its share of
 * the input gradient (n x c, small), added in float32. A bf16 input tensor ({@code Capability.BF16_STORAGE}) is used as stored, in the
 * forward and the backward: it holds exactly what rounding a float32 input would have packed.
 */
final class OneDnnMatmul implements MatmulKernel {
    /** Most output-gradient values rounded at once (64 MB of bf16). */
    static final long GRADIENT_BLOCK = 32L << 20;

    private final OneDnnBf16Gemm gemm;
    private final CpuMatmul fp32;
    private final long gradientBlock;
    private final Bf16Buffer x16 = new Bf16Buffer();
    private final Bf16Buffer w16 = new Bf16Buffer();
    private final Bf16Buffer g16 = new Bf16Buffer();

    OneDnnMatmul(OneDnnBf16Gemm gemm, CpuMatmul fp32) {
        this(gemm, fp32, GRADIENT_BLOCK);
    }

    /** With the output gradient rounded in blocks of at most {@code gradientBlock} values (tests use small ones). */
    OneDnnMatmul(OneDnnBf16Gemm gemm, CpuMatmul fp32, long gradientBlock) {
        this.gemm = gemm;
        this.fp32 = fp32;
        this.gradientBlock = gradientBlock;
    }

    @Override
    public void forward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int c, int oc) {
        CpuTensor o = CpuTensor.of(out, (long) n * oc);
        CpuTensor x = CpuTensor.ofEither(inp, (long) n * c);
        CpuTensor w = CpuTensor.of(weight, (long) oc * c);
        CpuTensor bs = CpuTensor.ofNullable(bias, oc);
        Bf16Pack packer = gemm.packer();
        MemorySegment xs = x.isBf16() ? x.bf16(0, (long) n * c) : x16.pack(packer, x.data, x.offset, c, n, c);
        MemorySegment ws = w16.pack(packer, w.data, w.offset, c, oc, c);
        if (bs != null) {
            gemm.gemmPlusBias(false, true, n, oc, c, xs, ws, o.data, o.offset, oc, bs.data, bs.offset);
        } else {
            gemm.gemm(false, true, n, oc, c, xs, ws, o.data, o.offset, oc, false);
        }
    }

    @Override
    public void backward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                         int n, int c, int oc) {
        CpuTensor di = CpuTensor.ofNullable(dinp, (long) n * c);
        CpuTensor dw = CpuTensor.of(dweight, (long) oc * c);
        CpuTensor db = CpuTensor.ofNullable(dbias, oc);
        CpuTensor g = CpuTensor.of(dout, (long) n * oc);
        CpuTensor x = CpuTensor.ofEither(inp, (long) n * c);
        CpuTensor w = CpuTensor.of(weight, (long) oc * c);
        Bf16Pack packer = gemm.packer();
        // Blocks of output columns: the same arithmetic as blocks of rows of a transposed matrix.
        int cols = OneDnnBf16Gemm.rowsPerBlock(oc, n, gradientBlock);
        MemorySegment ws = di == null ? null : w16.pack(packer, w.data, w.offset, c, oc, c);
        MemorySegment xs = x.isBf16() ? x.bf16(0, (long) n * c) : x16.pack(packer, x.data, x.offset, c, n, c);
        for (int o0 = 0; o0 < oc; o0 += cols) {
            int ocb = Math.min(cols, oc - o0);
            MemorySegment gs = g16.pack(packer, g.data, g.offset + o0, oc, n, ocb);
            if (di != null) {
                gemm.gemm(false, false, n, c, ocb, gs, ws.asSlice(2L * o0 * c), di.data, di.offset, c, o0 > 0);
            }
            gemm.gemm(true, false, ocb, c, n, gs, xs, dw.data, dw.offset + o0 * c, c, true);
        }
        if (db != null) {
            fp32.biasGradient(db, g, n, oc);
        }
    }
}
