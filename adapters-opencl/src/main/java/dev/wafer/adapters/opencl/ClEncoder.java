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
            ClProgram p = rt.program();
            p.o0 = o.offset;
            p.o1 = te.offset;
            p.o2 = pe.offset;
            p.n1 = t;
            p.n2 = c;
            p.f0 = multiplier;
            rt.launch1d(ClProgram.ENCODER_FORWARD, n * c);
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
            ClProgram p = rt.program();
            p.o0 = te.offset;
            p.o1 = pe.offset;
            p.o2 = d.offset;
            p.n0 = n;
            p.n1 = t;
            p.n2 = c;
            p.f0 = multiplier;
            rt.launchOver(ClProgram.ENCODER_BACKWARD, c);
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
