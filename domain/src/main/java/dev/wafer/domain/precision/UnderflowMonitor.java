package dev.wafer.domain.precision;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.wafer.domain.model.CastObserver;
import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;

/**
 * The paper's underflow diagnostic (Cerebras-GPT, Appendix A.2): for each tensor that enters a matrix product, the
 * fraction of its non-zero values that become zero when cast from float32 to 16 bits. Activations: {@code ln1},
 * {@code qkv}, {@code atty}, {@code ln2}, {@code fc_gelu}, {@code lnf}; gradients: {@code d_logits},
 * {@code d_fcproj}, {@code d_fc}, {@code d_attproj}, {@code d_atty}, {@code d_scores} (the attention-softmax
 * gradient, recomputed here from what the kernel reads) and {@code d_qkv}. Gradients are seen as the run scales
 * them, so loss scaling shows up as fewer underflows.
 *
 * <p>An fp16 run is counted against fp16, a bf16 run against bf16; an fp32 run is counted against fp16, as the
 * paper did (what an fp16 run would lose). A tensor the run keeps in float32 ({@code --fp32-attention-grads})
 * loses nothing: it is reported with zero flushed. Only armed steps are observed; reading tensors to the host
 * costs one pass over each, so arm it every N steps, not every step.
 */
public final class UnderflowMonitor implements CastObserver {
    private final OperandFormat format;
    private final boolean everySiteCast;
    private final Map<String, long[]> counts = new LinkedHashMap<>();
    private final Map<String, Boolean> castFlags = new LinkedHashMap<>();
    private final Map<String, Integer> layers = new LinkedHashMap<>();
    private final Map<String, String> names = new LinkedHashMap<>();
    private float[] buffer = new float[0];
    private float[] attBuffer = new float[0];
    private float[] doutBuffer = new float[0];
    private float[] qkvBuffer = new float[0];
    private boolean armed;

    /**
     * A monitor, not yet armed, for a run in {@code runFormat}.
     *
     * @param runFormat the run's operand format; {@link OperandFormat#FP32} counts against fp16
     */
    public UnderflowMonitor(OperandFormat runFormat) {
        this.everySiteCast = runFormat == OperandFormat.FP32;
        this.format = everySiteCast ? OperandFormat.FP16 : runFormat;
    }

    /** The format values are counted against. */
    public OperandFormat format() {
        return format;
    }

    /** Observe the passes from now until {@link #drain()} (or not). */
    public void arm(boolean on) {
        this.armed = on;
    }

    @Override
    public boolean active() {
        return armed;
    }

    @Override
    public void cast(String tensor, int layer, Tensor values, int count, boolean cast) {
        buffer = grow(buffer, count);
        values.copyToHost(0, buffer, 0, count);
        long nonZero = 0;
        long flushed = 0;
        for (int i = 0; i < count; i++) {
            float x = buffer[i];
            if (x != 0f) {
                nonZero++;
                if (format.round(x) == 0f) {
                    flushed++;
                }
            }
        }
        record(tensor, layer, cast, nonZero, flushed);
    }

    @Override
    public void scoreGradients(int layer, Tensor att, Tensor dout, Tensor qkv, int b, int t, int c, int nh,
                               float scale, boolean cast) {
        int hs = c / nh;
        int c3 = 3 * c;
        attBuffer = grow(attBuffer, b * nh * t * t);
        doutBuffer = grow(doutBuffer, b * t * c);
        qkvBuffer = grow(qkvBuffer, b * t * c3);
        att.copyToHost(0, attBuffer, 0, b * nh * t * t);
        dout.copyToHost(0, doutBuffer, 0, b * t * c);
        qkv.copyToHost(0, qkvBuffer, 0, b * t * c3);
        // The kernel reads 16-bit dO and V in a mixed run; so does this recomputation.
        OperandFormat inputs = everySiteCast ? OperandFormat.FP32 : format;
        buffer = grow(buffer, t);
        float[] dp = buffer;
        long nonZero = 0;
        long flushed = 0;
        for (int bb = 0; bb < b; bb++) {
            for (int h = 0; h < nh; h++) {
                for (int i = 0; i < t; i++) {
                    int ao = ((bb * nh + h) * t + i) * t;
                    int go = (bb * t + i) * c + h * hs;
                    double dot = 0;
                    for (int j = 0; j <= i; j++) {
                        int vo = (bb * t + j) * c3 + 2 * c + h * hs;
                        float s = 0f;
                        for (int d = 0; d < hs; d++) {
                            s += inputs.round(doutBuffer[go + d]) * inputs.round(qkvBuffer[vo + d]);
                        }
                        dp[j] = s;
                        dot += attBuffer[ao + j] * s;
                    }
                    float fdot = (float) dot;
                    for (int j = 0; j <= i; j++) {
                        float ds = attBuffer[ao + j] * (dp[j] - fdot) * scale;
                        if (ds != 0f) {
                            nonZero++;
                            if (format.round(ds) == 0f) {
                                flushed++;
                            }
                        }
                    }
                }
            }
        }
        record("d_scores", layer, cast, nonZero, flushed);
    }

    private void record(String tensor, int layer, boolean cast, long nonZero, long flushed) {
        String key = layer < 0 ? tensor : tensor + "[" + layer + "]";
        boolean counted = cast || everySiteCast;
        long[] c = counts.computeIfAbsent(key, k -> new long[2]);
        c[0] += nonZero;
        c[1] += counted ? flushed : 0;
        castFlags.put(key, counted);
        layers.put(key, layer);
        names.put(key, tensor);
    }

    /**
     * As {@link #drain()}, with the counts summed over the ranks of {@code collective}: in a data-parallel run each rank
     * observes only its own micro-batches, so one rank's counts are about 1/N of the step's. Every rank must call it
     * after the same steps (it is one collective call, two with several ranks, per report, not per value); every
     * rank receives the sums.
     *
     * @throws IllegalStateException if the ranks observed different tensors (a bug: they run one model)
     */
    public List<UnderflowStat> drain(Collective collective) {
        if (collective.size() > 1) {
            sumOverRanks(collective);
        }
        return drain();
    }

    /**
     * Sums {@link #counts} over the ranks, position by position. Ranks run one model, so they see the tensors in one
     * order; a rank whose micro-batch had a non-finite loss skipped its backward and saw a prefix of it, and a rank
     * with no micro-batch in the step none. Each slot carries its label's hash and a 1 so misaligned slots show.
     */
    private void sumOverRanks(Collective collective) {
        double[] sizes = new double[collective.size()];
        sizes[collective.rank()] = counts.size();
        collective.allReduceSum(sizes, 0, sizes.length);
        int slots = 0;
        for (double n : sizes) {
            slots = Math.max(slots, (int) n);
        }
        if (slots == 0) {
            return;
        }
        double[] sums = new double[4 * slots];
        int i = 0;
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            sums[4 * i] = e.getValue()[0];
            sums[4 * i + 1] = e.getValue()[1];
            sums[4 * i + 2] = e.getKey().hashCode();
            sums[4 * i + 3] = 1;
            i++;
        }
        collective.allReduceSum(sums, 0, sums.length);
        i = 0;
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            if (sums[4 * i + 2] != sums[4 * i + 3] * e.getKey().hashCode()) {
                throw new IllegalStateException("the ranks observed different tensors at position " + i
                        + " of the underflow report (this rank: " + e.getKey() + ")");
            }
            e.getValue()[0] = (long) sums[4 * i];
            e.getValue()[1] = (long) sums[4 * i + 1];
            i++;
        }
    }

    /**
     * The tensors observed since the last drain, worst fraction first (ties: in the order seen), and forgets them;
     * empty when nothing was armed.
     */
    public List<UnderflowStat> drain() {
        List<UnderflowStat> out = new ArrayList<>(counts.size());
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            String key = e.getKey();
            out.add(new UnderflowStat(names.get(key), layers.get(key), e.getValue()[0], e.getValue()[1],
                    castFlags.get(key)));
        }
        counts.clear();
        castFlags.clear();
        layers.clear();
        names.clear();
        out.sort(Comparator.comparingDouble(UnderflowStat::fraction).reversed());
        return out;
    }

    private static float[] grow(float[] old, int n) {
        return old.length >= n ? old : new float[n];
    }
}
