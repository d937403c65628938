package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.EncoderKernel;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TokenBuckets;

/**
 * Token + position embedding; token ids are uploaded per call (a few KiB), everything else stays on the device. The
 * token-embedding gradient runs by token buckets ({@link TokenBuckets}: a thread per id and channel) on the fast
 * path, or with one thread per channel walking every row on the baseline; both give the same bits.
 */
final class CudaEncoder implements EncoderKernel {
    private final Gpu gpu;
    /** {@code null} on the baseline. */
    private final TokenBuckets buckets;

    CudaEncoder(Gpu gpu) {
        this(gpu, false);
    }

    CudaEncoder(Gpu gpu, boolean byBuckets) {
        this.gpu = gpu;
        this.buckets = byBuckets ? new TokenBuckets() : null;
    }

    @Override
    public void forward(Tensor out, int[] tokens, Tensor wte, Tensor wpe, int b, int t, int c, float multiplier) {
        int n = Math.multiplyExact(b, t);
        CudaTensor o = CudaTensor.of(gpu, out, (long) n * c);
        CudaTensor te = CudaTensor.of(gpu, wte, 0);
        CudaTensor pe = CudaTensor.of(gpu, wpe, (long) t * c);
        if (n == 0 || c == 0) {
            return;
        }
        checkIds(tokens, n, te.length() / c);
        long ids = gpu.uploadIds(tokens, n);
        gpu.launch(LaunchGeometry.linear((long) n * c), KernelArgs.of(CudaKernel.ENCODER_FORWARD)
                .pointer(o.pointer()).pointer(ids).pointer(te.pointer()).pointer(pe.pointer())
                .integer(n).integer(t).integer(c).real(multiplier));
    }

    @Override
    public void backward(Tensor dwte, Tensor dwpe, Tensor dout, int[] tokens, int b, int t, int c, float multiplier) {
        int n = Math.multiplyExact(b, t);
        CudaTensor te = CudaTensor.of(gpu, dwte, 0);
        CudaTensor pe = CudaTensor.of(gpu, dwpe, (long) t * c);
        CudaTensor d = CudaTensor.of(gpu, dout, (long) n * c);
        if (n == 0 || c == 0) {
            return;
        }
        long vocab = te.length() / c;
        checkIds(tokens, n, vocab);
        gpu.launch(LaunchGeometry.linear((long) t * c), KernelArgs.of(CudaKernel.ENCODER_BACKWARD_POSITIONS)
                .pointer(pe.pointer()).pointer(d.pointer()).integer(b).integer(t).integer(c).real(multiplier));
        if (buckets == null) {
            long ids = gpu.uploadIds(tokens, n);
            gpu.launch(LaunchGeometry.linear(c), KernelArgs.of(CudaKernel.ENCODER_BACKWARD_TOKENS)
                    .pointer(te.pointer()).pointer(ids).pointer(d.pointer()).integer(n).integer(c).real(multiplier));
            return;
        }
        int[] layout = buckets.group(tokens, n, Math.toIntExact(vocab));
        long ids = gpu.uploadIds(layout, buckets.length(n));
        int chunks = (c + LaunchGeometry.BLOCK - 1) / LaunchGeometry.BLOCK;
        gpu.launch(new LaunchGeometry(buckets.unique(), chunks, LaunchGeometry.BLOCK, 1, 0),
                KernelArgs.of(CudaKernel.ENCODER_BACKWARD_BUCKETS).pointer(te.pointer()).pointer(ids)
                        .integer(buckets.unique()).pointer(d.pointer()).integer(c).real(multiplier));
    }

    /** Out-of-range ids would read or write outside the tensor on the device, where nothing checks bounds. */
    static void checkIds(int[] ids, int n, long bound) {
        if (ids.length < n) {
            throw new IllegalArgumentException(ids.length + " ids given, " + n + " needed");
        }
        for (int i = 0; i < n; i++) {
            if (ids[i] < 0 || ids[i] >= bound) {
                throw new IllegalArgumentException("id " + ids[i] + " at position " + i + " is outside [0, " + bound
                        + ")");
            }
        }
    }
}
