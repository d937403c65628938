package dev.wafer.domain.model;

/**
 * How many floats the buffers of one (B, T) micro-batch take ({@link Activations} allocates exactly these), so that
 * a run can be sized before anything is allocated.
 *
 * @param totalFloats   every activation and activation-gradient buffer together
 * @param largestFloats the largest single buffer (backends address one tensor with an {@code int} on the host);
 *                      per-layer buffers are allocated layer by layer, so this is one layer's largest
 */
public record ActivationFootprint(long totalFloats, long largestFloats) {

    /** The footprint of a micro-batch of {@code batch} sequences of {@code seq} tokens. */
    public static ActivationFootprint of(ModelShape s, int batch, int seq) {
        return of(s, batch, seq, false);
    }

    /**
     * As {@link #of(ModelShape, int, int)}; with {@code recompute} (activation recomputation) only each block's
     * output is kept per layer and one set of the other block buffers serves every layer.
     */
    public static ActivationFootprint of(ModelShape s, int batch, int seq, boolean recompute) {
        long l = s.nLayers();
        long n = (long) batch * seq;
        long c = s.dModel();
        long f = s.dFfn();
        long attention = (long) batch * s.nHeads() * seq * seq;
        // Per layer: ln1, qkv (3), atty, attproj, residual2, ln2, fcproj, residual3 of width C; two of width F; the
        // attention matrix; four per-token statistics (LayerNorm mean and rstd, twice).
        long perLayer = n * c * 10 + n * f * 2 + attention + 4 * n;
        // encoded, lnf, dresidual, dtmp, dln, datty (C each), dqkv (3C), dfch (F), logits (V), lnf stats and losses.
        long global = n * c * 9 + n * f + n * s.vocabSize() + 3 * n;
        long largest = Math.max(Math.max(attention, n * f), Math.max(n * s.vocabSize(), n * 3 * c));
        long blocks = recompute ? perLayer + (l - 1) * n * c : l * perLayer;
        return new ActivationFootprint(blocks + global, largest);
    }
}
