package dev.wafer.adapters.cpu;

import dev.wafer.ports.compute.ResidualKernel;
import dev.wafer.ports.compute.Tensor;

/** Element-wise add and its (copying) backward. */
final class CpuResidual implements ResidualKernel {
    private final Parallel parallel;

    CpuResidual(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void forward(Tensor out, Tensor a, Tensor b, int n) {
        parallel.requireOpen();
        CpuTensor o = CpuTensor.of(out, n);
        CpuTensor x = CpuTensor.of(a, n);
        CpuTensor y = CpuTensor.of(b, n);
        parallel.range(n, 1 << 15, (w, from, to) -> {
            for (int i = from; i < to; i++) {
                o.data[o.offset + i] = x.data[x.offset + i] + y.data[y.offset + i];
            }
        });
    }

    @Override
    public void backward(Tensor da, Tensor db, Tensor dout, int n) {
        parallel.requireOpen();
        CpuTensor g = CpuTensor.of(dout, n);
        for (Tensor target : new Tensor[] {da, db}) {
            if (target != null) {
                CpuTensor t = CpuTensor.of(target, n);
                if (t.data != g.data || t.offset != g.offset) {
                    System.arraycopy(g.data, g.offset, t.data, t.offset, n);
                }
            }
        }
    }
}
