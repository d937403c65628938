package dev.wafer.domain.profile;

import java.util.ArrayList;
import java.util.List;

/**
 * Wall time, call count and matrix-product FLOPs per {@link KernelCall}, summed since the last {@link #reset()}.
 * Recording stores into preallocated arrays (nothing is allocated per call). Not thread-safe: it serves a backend
 * whose kernels are called from one thread, as the training step calls them.
 */
public final class KernelProfile {
    private static final KernelCall[] CALLS = KernelCall.values();

    private final long[] nanos = new long[CALLS.length];
    private final long[] calls = new long[CALLS.length];
    private final double[] flops = new double[CALLS.length];

    /** One kernel entry's totals: seconds of wall time, calls, and the FLOPs of its matrix products (0 if none). */
    public record Entry(KernelCall call, double seconds, long calls, double flops) {
        /** FLOPs per second of wall time inside the calls, or 0 when no time or no products were recorded. */
        public double flopsPerSecond() {
            return seconds > 0 ? flops / seconds : 0;
        }
    }

    /** Charges one call of {@code call} that took {@code elapsedNanos} and ran {@code productFlops}. */
    public void record(KernelCall call, long elapsedNanos, double productFlops) {
        int i = call.ordinal();
        nanos[i] += elapsedNanos;
        calls[i]++;
        flops[i] += productFlops;
    }

    /** Forgets everything recorded so far (e.g. after a warm-up step). */
    public void reset() {
        java.util.Arrays.fill(nanos, 0);
        java.util.Arrays.fill(calls, 0);
        java.util.Arrays.fill(flops, 0);
    }

    /** The entries called at least once, most time first. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (KernelCall c : CALLS) {
            int i = c.ordinal();
            if (calls[i] > 0) {
                out.add(new Entry(c, nanos[i] / 1e9, calls[i], flops[i]));
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
