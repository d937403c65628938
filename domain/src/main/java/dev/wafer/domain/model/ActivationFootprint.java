package dev.wafer.domain.model;

import dev.wafer.ports.compute.OperandFormat;

/**
 * How many values, and bytes, the buffers of one (B, T) micro-batch take ({@link Activations} allocates exactly
 * these), so that a run can be sized before anything is allocated.
 *
 * @param totalValues      every activation and activation-gradient buffer together, in elements
 * @param sixteenBitValues how many of them are stored in 16 bits ({@link ActivationStorage}); the rest are float32
 * @param largestValues    the largest single buffer in elements (backends address one tensor with an {@code int} on
 *                         the host); per-layer buffers are allocated layer by layer, so this is one layer's largest
 */
public record ActivationFootprint(long totalValues, long sixteenBitValues, long largestValues) {

    /** The footprint of a micro-batch of {@code batch} sequences of {@code seq} tokens. */
    public static ActivationFootprint of(ModelShape s, int batch, int seq) {
        return of(s, batch, seq, false);
    }

    /**
     * As {@link #of(ModelShape, int, int)}; with {@code recompute} (activation recomputation) only each block's
     * output is kept per layer and one set of the other block buffers serves every layer.
     */
    public static ActivationFootprint of(ModelShape s, int batch, int seq, boolean recompute) {
        return of(s, batch, seq, recompute, ActivationStorage.FP32);
    }

    /**
     * As {@link #of(ModelShape, int, int, boolean)} with the linear layers' inputs, {@code qkv} and the attention
     * probabilities stored as {@code storage} says.
     */
    public static ActivationFootprint of(ModelShape s, int batch, int seq, boolean recompute,
            ActivationStorage storage) {
        // Saturating arithmetic: a shape far too large for any memory (a huge --seq or --batch) must size as "does
        // not fit", not wrap around to a small or negative footprint.
        long l = s.nLayers();
        long n = mul(batch, seq);
        long c = s.dModel();
        long f = s.dFfn();
        // The saved probabilities, or with fused attention each row's log-sum-exp (float32).
        long attention = storage.fusedAttention() ? mul(mul(batch, s.nHeads()), seq)
                : mul(mul(mul(batch, s.nHeads()), seq), seq);
        // Per layer: ln1, qkv (3), atty, attproj, residual2, ln2, fcproj, residual3 of width C; two of width F; the
        // attention matrix; four per-token statistics (LayerNorm mean and rstd, twice).
        long perLayer = add(add(mul(mul(n, c), 10), mul(mul(n, f), 2)), add(attention, mul(4, n)));
        // Of them in 16 bits where stored so: qkv (3C), atty, ln2 (C), fchGelu (F), the attention matrix; ln1 (C)
        // unless it stays float32.
        long perLayer16 = add(storage.format() == OperandFormat.FP32 ? 0
                : add(add(mul(mul(5, n), c), mul(n, f)), storage.fusedAttention() ? 0 : attention),
                storage.ln1() == OperandFormat.FP32 ? 0 : mul(n, c));
        // encoded, lnf, dresidual, dtmp, dln, datty (C each), dqkv (3C), dfch (F), logits (V), lnf stats and losses.
        long global = add(add(mul(mul(n, c), 9), mul(n, f)), add(mul(n, s.vocabSize()), mul(3, n)));
        long largest = Math.max(Math.max(attention, mul(n, f)), Math.max(mul(n, s.vocabSize()), mul(mul(n, 3), c)));
        // With recomputation one block's inner buffers serve every layer; residual3 (float32) stays per layer.
        long blocks = recompute ? add(perLayer, mul(mul(l - 1, n), c)) : mul(l, perLayer);
        long blocks16 = recompute ? perLayer16 : mul(l, perLayer16);
        return new ActivationFootprint(add(blocks, global), blocks16, largest);
    }

    /** {@code a * b} for non-negative values, {@link Long#MAX_VALUE} where it would overflow. */
    private static long mul(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high != 0 || low < 0 ? Long.MAX_VALUE : low;
    }

    /** {@code a + b} for non-negative values, {@link Long#MAX_VALUE} where it would overflow. */
    private static long add(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /**
     * Bytes of all buffers: four per float32 value, two per 16-bit value; {@link Long#MAX_VALUE} when that many bytes
     * cannot be counted in a long (a footprint no memory holds).
     */
    public long totalBytes() {
        return add(mul(totalValues - sixteenBitValues, Float.BYTES), mul(sixteenBitValues, 2L));
    }
}
