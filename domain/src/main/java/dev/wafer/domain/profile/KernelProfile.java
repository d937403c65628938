package dev.wafer.domain.profile;

import java.util.ArrayList;
import java.util.List;

/**
 * Wall time, call count, matrix-product FLOPs and tensor bytes per {@link KernelCall}, summed since the last
 * {@link #reset()}. The tensor bytes of a call are those of every tensor element it reads or writes, each counted
 * once, at the tensor's storage width (2 bytes for a bf16 tensor): the least memory traffic the call can have, so
 * bytes over seconds is a lower bound on the bandwidth the kernel achieved.
 * Recording stores into preallocated arrays (nothing is allocated per call). Not thread-safe: it serves a backend
 * whose kernels are called from one thread, as the training step calls them.
 */
public final class KernelProfile {
    private static final KernelCall[] CALLS = KernelCall.values();

    private final long[] nanos = new long[CALLS.length];
    private final long[] calls = new long[CALLS.length];
    private final double[] flops = new double[CALLS.length];
    private final double[] bytes = new double[CALLS.length];

    /** An empty profile: every call at zero time, count, FLOPs and bytes. */
    public KernelProfile() {
    }

    /**
     * One kernel entry's totals: seconds of wall time, calls, the FLOPs of its matrix products (0 if none) and the
     * bytes of the tensor elements its calls read or wrote.
     */
    public record Entry(KernelCall call, double seconds, long calls, double flops, double bytes) {
        /** FLOPs per second of wall time inside the calls, or 0 when no time or no products were recorded. */
        public double flopsPerSecond() {
            return seconds > 0 ? flops / seconds : 0;
        }

        /** Tensor bytes per second of wall time inside the calls (a lower bound on the bandwidth), or 0. */
        public double bytesPerSecond() {
            return seconds > 0 ? bytes / seconds : 0;
        }
    }

    /**
     * Charges one call of {@code call} that took {@code elapsedNanos}, ran {@code productFlops} and read or wrote
     * {@code tensorBytes}.
     */
    public void record(KernelCall call, long elapsedNanos, double productFlops, double tensorBytes) {
        int i = call.ordinal();
        nanos[i] += elapsedNanos;
        calls[i]++;
        flops[i] += productFlops;
        bytes[i] += tensorBytes;
    }

    /** Forgets everything recorded so far (e.g. after a warm-up step). */
    public void reset() {
        java.util.Arrays.fill(nanos, 0);
        java.util.Arrays.fill(calls, 0);
        java.util.Arrays.fill(flops, 0);
        java.util.Arrays.fill(bytes, 0);
    }

    /** The entries called at least once, most time first. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (KernelCall c : CALLS) {
            int i = c.ordinal();
            if (calls[i] > 0) {
                out.add(new Entry(c, nanos[i] / 1e9, calls[i], flops[i], bytes[i]));
            }
        }
        out.sort((a, b) -> Double.compare(b.seconds(), a.seconds()));
        return out;
    }

    /** Seconds of wall time inside every recorded kernel call. */
    public double totalSeconds() {
        long sum = 0;
        for (long n : nanos) {
            sum += n;
        }
        return sum / 1e9;
    }
}
