package dev.wafer.adapters.opencl;

import dev.wafer.ports.compute.ResidualKernel;
import dev.wafer.ports.compute.Tensor;

/** Element-wise add and its backward (two device-side copies). */
final class ClResidual implements ResidualKernel {
    private final ClRuntime rt;

    ClResidual(ClRuntime rt) {
        this.rt = rt;
    }

    @Override
    public void forward(Tensor out, Tensor a, Tensor b, int n) {
        ClTensor o = ClTensor.of(rt, out, n);
        ClTensor x = ClTensor.of(rt, a, n);
        ClTensor y = ClTensor.of(rt, b, n);
        synchronized (rt) {
            ClProgram p = rt.program();
            p.o0 = o.offset;
            p.o1 = x.offset;
            p.o2 = y.offset;
            rt.launch1d(ClProgram.ADD, n);
        }
    }

    @Override
    public void backward(Tensor da, Tensor db, Tensor dout, int n) {
        ClTensor x = ClTensor.ofNullable(rt, da, n);
        ClTensor y = ClTensor.ofNullable(rt, db, n);
        ClTensor d = ClTensor.of(rt, dout, n);
        synchronized (rt) {
            ClProgram p = rt.program();
            if (x != null && x.offset != d.offset) {
                p.o0 = x.offset;
                p.o1 = d.offset;
                rt.launch1d(ClProgram.COPY, n);
            }
            if (y != null && y.offset != d.offset) {
                p.o0 = y.offset;
                p.o1 = d.offset;
                rt.launch1d(ClProgram.COPY, n);
            }
        }
    }
}
