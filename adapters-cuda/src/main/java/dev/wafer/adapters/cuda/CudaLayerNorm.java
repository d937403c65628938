package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.LayerNormKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * LayerNorm: one warp per row forward and for the input gradient; the parameter gradients by {@link ColumnSums}'s
 * two passes. The forward's output may be a bf16 tensor, which {@code layernorm_forward_bf16} writes directly.
 */
final class CudaLayerNorm implements LayerNormKernel {
    private final Gpu gpu;

    CudaLayerNorm(Gpu gpu) {
        this.gpu = gpu;
    }

    @Override
    public void forward(Tensor out, Tensor mean, Tensor rstd, Tensor inp, Tensor weight, Tensor bias, int n, int c) {
        long nc = (long) n * c;
        CudaTensor o = CudaTensor.ofEither(gpu, out, nc);
        CudaTensor m = CudaTensor.of(gpu, mean, n);
        CudaTensor s = CudaTensor.of(gpu, rstd, n);
        CudaTensor x = CudaTensor.of(gpu, inp, nc);
        CudaTensor w = CudaTensor.of(gpu, weight, c);
        CudaTensor bb = CudaTensor.of(gpu, bias, c);
        if (n == 0) {
            return;
        }
        CudaKernel kernel = o.isBf16() ? CudaKernel.LAYERNORM_FORWARD_BF16 : CudaKernel.LAYERNORM_FORWARD;
        gpu.launch(LaunchGeometry.warpPerRow(n, LaunchGeometry.BLOCK), KernelArgs.of(kernel)
                .pointer(o.pointer()).pointer(m.pointer()).pointer(s.pointer()).pointer(x.pointer())
                .pointer(w.pointer()).pointer(bb.pointer()).integer(n).integer(c).real(EPSILON));
    }

    @Override
    public void backward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                         Tensor mean, Tensor rstd, int n, int c) {
        long nc = (long) n * c;
        CudaTensor dx = CudaTensor.of(gpu, dinp, nc);
        CudaTensor dw = CudaTensor.of(gpu, dweight, c);
        CudaTensor db = CudaTensor.of(gpu, dbias, c);
        CudaTensor dy = CudaTensor.of(gpu, dout, nc);
        CudaTensor x = CudaTensor.of(gpu, inp, nc);
        CudaTensor w = CudaTensor.of(gpu, weight, c);
        CudaTensor m = CudaTensor.of(gpu, mean, n);
        CudaTensor s = CudaTensor.of(gpu, rstd, n);
        if (n == 0 || c == 0) {
            return;
        }
        gpu.launch(LaunchGeometry.warpPerRow(n, LaunchGeometry.BLOCK),
                KernelArgs.of(CudaKernel.LAYERNORM_BACKWARD_INPUT).pointer(dx.pointer()).pointer(dy.pointer())
                        .pointer(x.pointer()).pointer(w.pointer()).pointer(m.pointer()).pointer(s.pointer())
                        .integer(n).integer(c));
        int chunks = ColumnSums.chunks(n);
        long partials = gpu.scratch(ColumnSums.SLOT, 4L * 2 * chunks * c);
        gpu.launch(ColumnSums.partials(n, c), KernelArgs.of(CudaKernel.LAYERNORM_PARAM_PARTIALS)
                .pointer(partials).pointer(dy.pointer()).pointer(x.pointer()).pointer(m.pointer())
                .pointer(s.pointer()).integer(n).integer(c).integer(ColumnSums.rowsPerChunk(n)).integer(chunks));
        gpu.launch(ColumnSums.accumulate(c), KernelArgs.of(CudaKernel.LAYERNORM_BACKWARD_PARAMS)
                .pointer(dw.pointer()).pointer(db.pointer()).pointer(partials).integer(chunks).integer(c));
    }
}
