package dev.wafer.ports.compute;

/**
 * Dense causal multi-head self-attention over a fused QKV activation.
 * For head h of width {@code hs = C/NH}: {@code s[t,t2] = scale * q[t]·k[t2]} for {@code t2 <= t},
 * {@code a = softmax(s)} per row (in float32 or wider), {@code out[t] = Σ a[t,t2] v[t2]}.
 * The score scale is {@code 1/sqrt(hs)} under SP and {@code 1/hs} under muP.
 */
public interface AttentionKernel {
    /**
     * The forward: {@code out} from {@code qkv}, saving the softmax weights in {@code att} for the backward.
     *
     * @param out (B,T,C) written
     * @param att (B,NH,T,T) written: the softmax weights, saved for the backward; entries above the diagonal are 0
     * @param qkv (B,T,3C), Q then K then V along the last axis, each split into NH heads of C/NH
     */
    void forward(Tensor out, Tensor att, Tensor qkv, int b, int t, int c, int nh, float scale);

    /**
     * The backward: {@code dqkv} from {@code dout}, the forward's input and the weights it saved.
     *
     * @param dqkv (B,T,3C) written
     * @param dout (B,T,C)
     * @param qkv (B,T,3C) the forward's input
     * @param att (B,NH,T,T) saved by the forward
     */
    void backward(Tensor dqkv, Tensor dout, Tensor qkv, Tensor att, int b, int t, int c, int nh, float scale);

    /**
     * Whether this kernel implements the fused forms, {@link #forwardSavingLogSumExp} and
     * {@link #backwardFromLogSumExp}, for heads of {@code headSize} channels with {@code qkv} and {@code out} stored
     * as {@code storage} (float32 or, under {@link Capability#BF16_STORAGE}, bf16). A backend declaring
     * {@link Capability#FUSED_ATTENTION} answers true for its {@code attention(BF16, false)} kernel, bf16 storage and
     * every head size {@link #fusesHeadSize} accepts; one declaring {@link Capability#FUSED_ATTENTION_FP32} for its
     * float32 {@code attention()}, float32 storage and every head size {@link #fusesFloat32HeadSize} accepts. The
     * default: no fused forms.
     */
    default boolean fuses(int headSize, OperandFormat storage) {
        return false;
    }

    /**
     * The head sizes {@link Capability#FUSED_ATTENTION} covers: multiples of 16 from 16 to 128 (the tensor-core tile
     * depth, and the widest head of the paper's models).
     */
    static boolean fusesHeadSize(int headSize) {
        return headSize >= 16 && headSize <= 128 && headSize % 16 == 0;
    }

    /**
     * The head sizes {@link Capability#FUSED_ATTENTION_FP32} covers: multiples of 16 from 16 to 64 (the heads of the
     * paper's 111M and 256M models; a float32 tile of wider heads does not fit the registers of one warp's rows).
     */
    static boolean fusesFloat32HeadSize(int headSize) {
        return fusesHeadSize(headSize) && headSize <= 64;
    }

    /**
     * The fused forward: {@code out} as {@link #forward} writes it, without the (B,NH,T,T) probabilities. Instead it
     * saves, per row, the log-sum-exp of the row's scaled scores over {@code t2 <= t}: {@code a[t,t2] =
     * exp(s[t,t2] - lse[t])}, so the backward can recompute the probabilities. Memory per layer drops from
     * {@code B·NH·T²} to {@code B·NH·T} values.
     *
     * @param out (B,T,C) written
     * @param lse (B,NH,T) float32, written
     * @param qkv (B,T,3C)
     * @throws UnsupportedOperationException when {@link #fuses} is false for this head size and storage
     */
    default void forwardSavingLogSumExp(Tensor out, Tensor lse, Tensor qkv, int b, int t, int c, int nh,
                                        float scale) {
        throw new UnsupportedOperationException(getClass().getName() + " has no fused attention forward");
    }

    /**
     * The fused backward: {@code dqkv} as {@link #backward} writes it from the probabilities, here recomputed from
     * {@code qkv} and {@code lse}. The row terms {@code Σ_t2 a[t,t2]·da[t,t2]} are taken as {@code dout[t]·out[t]}
     * per head (equal in exact arithmetic), so {@code out} must be what {@link #forwardSavingLogSumExp} wrote.
     *
     * @param dqkv (B,T,3C) written
     * @param dout (B,T,C) float32
     * @param qkv  (B,T,3C) the forward's input
     * @param out  (B,T,C) the forward's output
     * @param lse  (B,NH,T) saved by {@link #forwardSavingLogSumExp}
     * @throws UnsupportedOperationException when {@link #fuses} is false for this head size and storage
     */
    default void backwardFromLogSumExp(Tensor dqkv, Tensor dout, Tensor qkv, Tensor out, Tensor lse, int b, int t,
                                       int c, int nh, float scale) {
        throw new UnsupportedOperationException(getClass().getName() + " has no fused attention backward");
    }

    /**
     * Causal attention for positions that continue prefixes whose keys and values were computed earlier, so that
     * several continuations of one context (the choices of a multiple-choice question) need the context only once.
     * Sequence {@code i}'s prefix is rows {@code prefixStart[i] .. prefixStart[i] + prefixLength[i] - 1} of
     * {@code prefixQkv}, the fused Q, K, V of the prefix's own forward (only its K and V thirds are read); its
     * {@code t} new positions follow the prefix, and new position {@code j} attends to the whole prefix and to the
     * sequence's own new positions {@code 0..j}. The result equals rows {@code prefixLength[i] .. prefixLength[i] +
     * t - 1} of {@link #forward} over the prefix followed by the new positions; with every prefix length 0 it is
     * {@link #forward}'s {@code out}, without the (B,NH,T,T) probabilities. Sequences may share a prefix. Available
     * where the backend declares {@link Capability#PREFIX_ATTENTION}, on its float32 {@link ComputeBackend#attention()}.
     *
     * @param out          (B,T,C) written
     * @param qkv          (B,T,3C) the fused Q, K, V of the new positions
     * @param prefixQkv    (P,3C) the prefixes' fused Q, K, V, any number of rows P; only read, so it may be
     *                     {@code qkv} itself (with every prefix length 0 nothing of it is read)
     * @param prefixStart  B row indices into {@code prefixQkv}
     * @param prefixLength B prefix lengths, each 0 or more, with {@code prefixStart[i] + prefixLength[i] <= P}
     * @throws IllegalArgumentException when {@code c} is not a multiple of {@code nh}, a prefix falls outside
     *                                  {@code prefixQkv}, or the arrays hold fewer than {@code b} entries
     * @throws UnsupportedOperationException when this kernel does not implement it
     */
    default void forwardAfterPrefix(Tensor out, Tensor qkv, Tensor prefixQkv, int[] prefixStart, int[] prefixLength,
                                    int b, int t, int c, int nh, float scale) {
        throw new UnsupportedOperationException(getClass().getName() + " has no attention after a prefix");
    }

    /**
     * Checks {@link #forwardAfterPrefix}'s arguments that every implementation checks the same way.
     *
     * @throws IllegalArgumentException as {@link #forwardAfterPrefix} states
     */
    static void checkPrefixes(Tensor prefixQkv, int[] prefixStart, int[] prefixLength, int b, int t, int c, int nh) {
        if (nh <= 0 || c % nh != 0) {
            throw new IllegalArgumentException("channels " + c + " not divisible by " + nh + " heads");
        }
        if (b < 1 || t < 1) {
            throw new IllegalArgumentException("attention after a prefix needs b >= 1 and t >= 1, found b=" + b
                    + " t=" + t);
        }
        if (prefixStart.length < b || prefixLength.length < b) {
            throw new IllegalArgumentException("expected " + b + " prefix starts and lengths, found "
                    + prefixStart.length + " and " + prefixLength.length);
        }
        long rows = prefixQkv.length() / (3L * c);
        for (int i = 0; i < b; i++) {
            if (prefixStart[i] < 0 || prefixLength[i] < 0 || (long) prefixStart[i] + prefixLength[i] > rows) {
                throw new IllegalArgumentException("prefix " + i + " (rows " + prefixStart[i] + " + "
                        + prefixLength[i] + ") falls outside the " + rows + " rows of prefixQkv");
            }
        }
    }

    /**
     * One decoding step with a key/value cache: attention of a single new position {@code pos} over positions
     * {@code 0..pos}. The key and value of the new position (the K and V thirds of {@code qkv}) are first written into
     * row {@code pos} of the caches; rows {@code 0..pos-1} must hold those of the earlier positions. The result equals
     * row {@code pos} of {@link #forward} over the whole prefix, at a cost of one position instead of {@code pos + 1}.
     *
     * <p>Each backend implements it, ideally without leaving the device; the port states only the result.
     *
     * @param out    (C) written: the attention output of position {@code pos}
     * @param qkv    (3C) the fused Q, K, V of position {@code pos}
     * @param kCache (maxT,C) keys, row {@code pos} written
     * @param vCache (maxT,C) values, row {@code pos} written
     * @param pos    0-based position, below the caches' row count
     * @param c      channels C, a multiple of {@code nh}
     * @param nh     number of heads NH
     * @param scale  the score scale, as in {@link #forward}
     * @throws IllegalArgumentException when {@code c} is not a multiple of {@code nh}, or row {@code pos} does not fit
     *                                  the caches
     */
    void forwardCached(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int pos, int c, int nh, float scale);

    /**
     * One decoding step for {@code b} independent sequences that are all at position {@code pos} (greedy decoding of
     * many prompts of equal length at once). Sequence {@code i} owns rows {@code i·maxT .. i·maxT + maxT - 1} of the
     * caches; each sequence's result equals {@link #forwardCached} on its own views, and sequences never see each
     * other's keys or values.
     *
     * <p>The default runs {@link #forwardCached} once per sequence on views; a backend may do all sequences in one
     * launch.
     *
     * @param out    (B,C) written
     * @param qkv    (B,3C) the fused Q, K, V of position {@code pos} of every sequence
     * @param kCache (B,maxT,C) keys, row {@code pos} of every sequence written
     * @param vCache (B,maxT,C) values, row {@code pos} of every sequence written
     * @param b      number of sequences, at least 1
     * @param maxT   cache rows per sequence
     * @param pos    0-based position, below {@code maxT}
     * @throws IllegalArgumentException when {@code b < 1}, {@code pos} is not below {@code maxT}, the caches hold
     *                                  fewer than {@code b·maxT·c} floats, or as {@link #forwardCached}
     */
    default void forwardCachedBatch(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int b, int maxT, int pos,
                                    int c, int nh, float scale) {
        if (b < 1 || pos < 0 || pos >= maxT) {
            throw new IllegalArgumentException("batch " + b + " at position " + pos + " does not fit caches of " + maxT
                    + " rows per sequence");
        }
        checkCaches(kCache, vCache, b, maxT, c);
        long rows = (long) maxT * c;
        for (int i = 0; i < b; i++) {
            forwardCached(out.slice((long) i * c, c), qkv.slice(3L * i * c, 3L * c), kCache.slice(i * rows, rows),
                    vCache.slice(i * rows, rows), pos, c, nh, scale);
        }
    }

    /**
     * A prompt's prefill pass: {@code k} consecutive positions {@code pos .. pos + k - 1} of {@code b} sequences at once.
     * Row {@code j·b + i} of {@code out} and {@code qkv} is position {@code pos + j} of sequence {@code i}
     * (position-major). The result, caches included, is that of {@link #forwardCachedBatch} called for
     * {@code j = 0 .. k-1} in order on the rows of position {@code pos + j}: each position attends to itself and every
     * earlier one, the pass's earlier positions included.
     *
     * <p>The default makes exactly those calls; a backend may write every key and value first and then run the
     * {@code k · b · nh} (query, head) pairs in parallel, which one position's few heads cannot do.
     *
     * @param out    (k·B,C) written
     * @param qkv    (k·B,3C) the fused Q, K, V of the pass's positions
     * @param kCache (B,maxT,C) keys, rows {@code pos .. pos + k - 1} of every sequence written
     * @param vCache (B,maxT,C) values, rows {@code pos .. pos + k - 1} of every sequence written
     * @param b      number of sequences, at least 1
     * @param maxT   cache rows per sequence
     * @param pos    0-based position of the pass's first row
     * @param k      positions in the pass, at least 1
     * @param c      channels C, a multiple of {@code nh}
     * @param nh     number of heads NH
     * @param scale  the score scale, as in {@link #forward}
     * @throws IllegalArgumentException when {@code k < 1}, {@code pos + k} exceeds {@code maxT}, or as
     *                                  {@link #forwardCachedBatch}
     */
    default void forwardCachedPositions(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int b, int maxT, int pos,
                                        int k, int c, int nh, float scale) {
        checkCachedPositions(b, maxT, pos, k);
        checkCaches(kCache, vCache, b, maxT, c);
        long rows = (long) b * c;
        for (int j = 0; j < k; j++) {
            forwardCachedBatch(out.slice(j * rows, rows), qkv.slice(3 * j * rows, 3 * rows), kCache, vCache, b, maxT,
                    pos + j, c, nh, scale);
        }
    }

    /**
     * The checks of {@link #forwardCachedPositions} on its counts, for implementations that do not start with the
     * default's calls.
     *
     * @param b    number of sequences
     * @param maxT cache rows per sequence
     * @param pos  position of the pass's first row
     * @param k    positions in the pass
     * @throws IllegalArgumentException when {@code b < 1}, {@code k < 1}, {@code pos < 0} or {@code pos + k > maxT}
     */
    static void checkCachedPositions(int b, int maxT, int pos, int k) {
        if (b < 1 || k < 1 || pos < 0 || (long) pos + k > maxT) {
            throw new IllegalArgumentException(k + " positions from " + pos + " of " + b
                    + " sequences do not fit caches of " + maxT + " rows per sequence");
        }
    }

    /**
     * The check of {@link #forwardCachedBatch} and {@link #forwardCachedPositions} on the caches' sizes.
     *
     * @param kCache the key cache
     * @param vCache the value cache
     * @param b      number of sequences
     * @param maxT   cache rows per sequence
     * @param c      channels C
     * @throws IllegalArgumentException when either cache holds fewer than {@code b·maxT·c} floats
     */
    static void checkCaches(Tensor kCache, Tensor vCache, int b, int maxT, int c) {
        long floats = (long) b * maxT * c;
        if (kCache.length() < floats || vCache.length() < floats) {
            throw new IllegalArgumentException("caches of " + kCache.length() + " and " + vCache.length()
                    + " floats are smaller than B*maxT*C = " + floats);
        }
    }
}
