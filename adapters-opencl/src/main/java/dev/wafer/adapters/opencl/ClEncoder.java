package dev.wafer.adapters.opencl;

import dev.wafer.ports.compute.EncoderKernel;
import dev.wafer.ports.compute.Tensor;

/** Token + position embedding; token ids are uploaded per call (a few KiB), everything else stays on the device. */
final class ClEncoder implements EncoderKernel {
    private final ClRuntime rt;

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
            rt.uploadInts(tokens, n);
            rt.launch(ClArgs.of(ClKernel.ENCODER_BACKWARD).buffer("dwte", te).buffer("dwpe", pe).buffer("dout", d)
                    .integer("rows", n).integer("t", t).integer("c", c).real("multiplier", multiplier), c);
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
