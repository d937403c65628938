package dev.wafer.app.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.wafer.domain.profile.KernelProfile;
import dev.wafer.domain.profile.StreamBandwidth;

/**
 * {@code wafer bench --profile}: the kernels' time per timed step (means over the steps), each kernel's share of the
 * mean step, the GFLOP/s of the matrix products inside the kernels that run them, the GB/s of the tensor elements each
 * kernel reads or writes (each counted once: a lower bound on the bandwidth it achieved, to hold against the machine's
 * memory bandwidth, measured in the same run as a residual add's streaming bandwidth, {@link StreamBandwidth}, each
 * kernel's GB/s then also as a share of it), and what ran outside every kernel (the model's own host code, the data,
 * the optimizer's bookkeeping).
 */
final class ProfileReport {
    private final List<KernelProfile.Entry> entries;
    private final int steps;
    private final double meanStepSeconds;
    private final double kernelSeconds;
    /** The streaming bandwidth measured in the same run, or {@code null} where none was measured. */
    private final StreamBandwidth.Result stream;

    ProfileReport(KernelProfile profile, int steps, double meanStepSeconds) {
        this(profile, steps, meanStepSeconds, null);
    }

    ProfileReport(KernelProfile profile, int steps, double meanStepSeconds, StreamBandwidth.Result stream) {
        this.entries = profile.entries();
        this.steps = steps;
        this.meanStepSeconds = meanStepSeconds;
        this.kernelSeconds = profile.totalSeconds() / steps;
        this.stream = stream;
    }

    /** The report as one JSON object. */
    String json() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("steps", steps);
        out.put("mean_step_seconds", round(meanStepSeconds));
        out.put("kernel_seconds_per_step", round(kernelSeconds));
        out.put("outside_kernels_seconds_per_step", round(meanStepSeconds - kernelSeconds));
        out.put("stream_gbytes_per_s", stream == null ? null : round(stream.bytesPerSecond() / 1e9));
        out.put("stream", stream == null ? null : stream.description());
        List<Map<String, Object>> kernels = new ArrayList<>();
        for (KernelProfile.Entry e : entries) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("kernel", e.call().label());
            k.put("seconds_per_step", round(e.seconds() / steps));
            k.put("share_of_step", round(e.seconds() / steps / meanStepSeconds));
            k.put("calls_per_step", (double) e.calls() / steps);
            k.put("product_gflop_per_s", e.flops() > 0 ? round(e.flopsPerSecond() / 1e9) : null);
            k.put("tensor_bytes_per_step", Math.round(e.bytes() / steps));
            k.put("tensor_gbytes_per_s", e.seconds() > 0 ? round(e.bytesPerSecond() / 1e9) : null);
            k.put("share_of_stream", e.seconds() > 0 && stream != null
                    ? round(e.bytesPerSecond() / stream.bytesPerSecond()) : null);
            kernels.add(k);
        }
        out.put("kernels", kernels);
        return Json.compact(out);
    }

    /** The report as a table, most time first. */
    void print(PrintWriter out) {
        out.println(String.format(Locale.ROOT, "kernel profile, per step (mean of %d): %.3f s in kernels, %.3f s"
                + " outside them, of a %.3f s step", steps, kernelSeconds, meanStepSeconds - kernelSeconds,
                meanStepSeconds));
        if (stream != null) {
            out.println(String.format(Locale.ROOT, "streaming bandwidth %.3g GB/s (%s): each kernel's GB/s as a share"
                    + " of it in brackets", stream.bytesPerSecond() / 1e9, stream.description()));
        }
        for (KernelProfile.Entry e : entries) {
            double s = e.seconds() / steps;
            out.println(String.format(Locale.ROOT, "  %-30s %8.4f s  %5.1f%%  %6.1f calls  %8.3g GB/s%s%s",
                    e.call().label(), s, 100 * s / meanStepSeconds, (double) e.calls() / steps,
                    e.bytesPerSecond() / 1e9, stream == null ? ""
                            : String.format(Locale.ROOT, " (%3.0f%%)", 100 * e.bytesPerSecond() / stream.bytesPerSecond()),
                    e.flops() > 0 ? String.format(Locale.ROOT, "  %.3g GFLOP/s", e.flopsPerSecond() / 1e9) : ""));
        }
    }

    private static double round(double x) {
        return Math.round(x * 1e4) / 1e4;
    }
}
