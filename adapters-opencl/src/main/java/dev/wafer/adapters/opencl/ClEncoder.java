package dev.wafer.adapters.opencl;

import dev.wafer.ports.compute.EncoderKernel;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TokenBuckets;

/**
 * Token + position embedding; token ids are uploaded per call (a few KiB), everything else stays on the device. The
 * token-embedding gradient runs by token buckets ({@link TokenBuckets}, grouped here on the host): a work-item per
 * id and channel, as the CUDA backend's fast kernels do.
 */
final class ClEncoder implements EncoderKernel {
    private final ClRuntime rt;
    private final TokenBuckets buckets = new TokenBuckets();

    ClEncoder(ClRuntime rt) {
        this.rt = rt;
    }

    @Override
    public void forward(Tensor out, int[] tokens, Tensor wte, Tensor wpe, int b, int t, int c, float multiplier) {
        int n = b * t;
        ClTensor o = ClTensor.of(rt, out, (long) n * c);
        ClTensor te = ClTensor.of(rt, wte);
        ClTensor pe = ClTensor.of(rt, wpe, (long) t * c);
        checkTokens(tokens, n, te.length() / c);
        synchronized (rt) {
            rt.uploadInts(tokens, n);
            rt.launch(ClArgs.of(ClKernel.ENCODER_FORWARD).buffer("out", o).buffer("wte", te).buffer("wpe", pe)
                    .integer("n", n * c).integer("t", t).integer("c", c).real("multiplier", multiplier), n * c);
        }
    }

    @Override
    public void backward(Tensor dwte, Tensor dwpe, Tensor dout, int[] tokens, int b, int t, int c, float multiplier) {
        int n = b * t;
        ClTensor te = ClTensor.of(rt, dwte);
        ClTensor pe = ClTensor.of(rt, dwpe, (long) t * c);
        ClTensor d = ClTensor.of(rt, dout, (long) n * c);
        checkTokens(tokens, n, te.length() / c);
        synchronized (rt) {
            int[] layout = buckets.group(tokens, n, Math.toIntExact(te.length() / c));
            int unique = buckets.unique();
            rt.uploadInts(layout, buckets.length(n));
            rt.launch(ClArgs.of(ClKernel.ENCODER_BACKWARD).buffer("dwte", te).buffer("dwpe", pe).buffer("dout", d)
                    .integer("unique", unique).integer("b", b).integer("t", t).integer("c", c)
                    .real("multiplier", multiplier), Math.addExact(Math.multiplyExact(unique, c), t * c));
        }
    }

    /** Out-of-range ids would read or write outside the tensor on the device, where nothing checks bounds. */
    static void checkTokens(int[] ids, int n, long bound) {
        if (ids.length < n) {
            throw new IllegalArgumentException(ids.length + " ids given, " + n + " needed");
        }
        for (int i = 0; i < n; i++) {
            if (ids[i] < 0 || ids[i] >= bound) {
                throw new IllegalArgumentException("id " + ids[i] + " at position " + i + " is outside [0, " + bound + ")");
            }
        }
    }
}
