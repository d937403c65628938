package dev.wafer.adapters.opencl;

/**
 * The kernels of the layers other than attention and the products: token + position embedding, LayerNorm, the
 * linear layer's bias gradient and fused softmax + cross-entropy. Buffer arguments are offsets
 * into {@link #mem}; token and target ids are in {@link #ints}.
 */
abstract class ClLayerKernels extends ClProductKernels {
    ClLayerKernels(int arenaCapacity, int stageCapacity, int intCapacity) {
        super(arenaCapacity, stageCapacity, intCapacity);
    }

    /** out(B*T, C) = multiplier * (wte[token] + wpe[pos]); n = B*T*C work-items. */
    void encoderForward(int out, int wte, int wpe, int n, int t, int c, float multiplier) {
        int g = getGlobalId();
        if (g < n) {
            int bt = g / c;
            int i = g - bt * c;
            int pos = bt % t;
            mem[out + g] = multiplier * (mem[wte + ints[bt] * c + i] + mem[wpe + pos * c + i]);
        }
    }

    /**
     * The embedding gradients, a work-item per (id, channel) for the first {@code unique * c} items and per (position,
     * channel) for the next {@code t * c}: an id's item adds the rows of its bucket ({@code TokenBuckets}' layout in
     * {@link #ints}), a position's item the {@code b} rows at that position, each in ascending row order, as a serial
     * loop over all rows would, so the sums are that loop's bit for bit and repeated ids never race. Why: a
     * work-item per channel walking all B*T rows gave a GPU only C work-items (768 for 16K rows at the 111M shape).
     */
    void encoderBackward(int dwte, int dwpe, int dout, int unique, int b, int t, int c, float multiplier) {
        int g = getGlobalId();
        int tokenItems = unique * c;
        if (g < tokenItems) {
            int u = g / c;
            int i = g - u * c;
            int w = dwte + ints[u] * c + i;
            int rowIds = 2 * unique + 1;
            float acc = mem[w];
            for (int k = ints[unique + u]; k < ints[unique + u + 1]; k++) {
                // Two statements, so no compiler contracts the product and the sum into one rounding.
                float d = multiplier * mem[dout + ints[rowIds + k] * c + i];
                acc += d;
            }
            mem[w] = acc;
        } else if (g < tokenItems + t * c) {
            int p = g - tokenItems;
            int pos = p / c;
            int i = p - pos * c;
            float acc = mem[dwpe + p];
            for (int s = 0; s < b; s++) {
                float d = multiplier * mem[dout + (s * t + pos) * c + i];
                acc += d;
            }
            mem[dwpe + p] = acc;
        }
    }

    /**
     * A work-group of {@link #GROUP} items per row (item l reads columns l, l + GROUP, ..., adjacent items adjacent
     * columns): the two-pass mean and variance summed across the group in local memory, then the normalised,
     * scaled and shifted row. Why: a work-item per row read its row alone, with neighbouring items C floats apart.
     * Loops run the same number of steps in every item (see {@link #crossEntropyRows}).
     */
    void layerNormForward(int out, int mean, int rstd, int inp, int weight, int bias, int c, float eps) {
        int r = getGroupId();
        int l = getLocalId();
        int x = inp + r * c;
        float sum = 0f;
        for (int i0 = 0; i0 < c; i0 += GROUP) {
            int i = i0 + l;
            if (i < c) {
                sum += mem[x + i];
            }
        }
        float m = groupSum(sum, l) / c;
        float var = 0f;
        for (int i0 = 0; i0 < c; i0 += GROUP) {
            int i = i0 + l;
            if (i < c) {
                float d = mem[x + i] - m;
                var += d * d;
            }
        }
        float s = 1f / sqrt(groupSum(var, l) / c + eps);
        int y = out + r * c;
        for (int i0 = 0; i0 < c; i0 += GROUP) {
            int i = i0 + l;
            if (i < c) {
                mem[y + i] = (mem[x + i] - m) * s * mem[weight + i] + mem[bias + i];
            }
        }
        if (l == 0) {
            mem[mean + r] = m;
            mem[rstd + r] = s;
        }
    }

    /** A work-group per row writes dinp, its two row means summed across the group as in {@link #layerNormForward}. */
    void layerNormBackwardInput(int dinp, int dout, int inp, int weight, int mean, int rstd, int c) {
        int r = getGroupId();
        int l = getLocalId();
        float m = mem[mean + r];
        float s = mem[rstd + r];
        int x = inp + r * c;
        int dy = dout + r * c;
        float dnormSum = 0f;
        float dnormNormSum = 0f;
        for (int i0 = 0; i0 < c; i0 += GROUP) {
            int i = i0 + l;
            if (i < c) {
                float norm = (mem[x + i] - m) * s;
                float dnorm = mem[weight + i] * mem[dy + i];
                dnormSum += dnorm;
                dnormNormSum += dnorm * norm;
            }
        }
        groupSumTwo(dnormSum, dnormNormSum, l);
        float dnormMean = groupFloats[0] / c;
        float dnormNormMean = groupLows[0] / c;
        int dx = dinp + r * c;
        for (int i0 = 0; i0 < c; i0 += GROUP) {
            int i = i0 + l;
            if (i < c) {
                float norm = (mem[x + i] - m) * s;
                float dnorm = mem[weight + i] * mem[dy + i];
                mem[dx + i] = (dnorm - dnormMean - norm * dnormNormMean) * s;
            }
        }
    }

    /** The sum of every item's {@code value} across the work-group, returned to every item. */
    float groupSum(float value, int l) {
        return groupReduce(value, l, 0);
    }

    /** The largest of every item's {@code value} across the work-group, returned to every item. */
    float groupMax(float value, int l) {
        return groupReduce(value, l, 1);
    }

    /**
     * Every item's {@code value} combined across the work-group in a tree in local memory, by the largest when
     * {@code largest != 0} (the same for every item, so every item takes the same branch), else by the sum.
     */
    float groupReduce(float value, int l, int largest) {
        // Every item has read the previous reduction's result out of groupFloats[0] before any item overwrites it.
        localBarrier();
        groupFloats[l] = value;
        localBarrier();
        for (int span = GROUP / 2; span > 0; span = span / 2) {
            if (l < span) {
                float x = groupFloats[l];
                float y = groupFloats[l + span];
                groupFloats[l] = largest != 0 ? max(x, y) : x + y;
            }
            localBarrier();
        }
        return groupFloats[0];
    }

    /**
     * Two sums across the work-group at once, one barrier per step for both: {@code a}'s into groupFloats[0] and
     * {@code b}'s into groupLows[0] (here a second sum, not a low part), for every item to read.
     */
    void groupSumTwo(float a, float b, int l) {
        localBarrier();
        groupFloats[l] = a;
        groupLows[l] = b;
        localBarrier();
        for (int span = GROUP / 2; span > 0; span = span / 2) {
            if (l < span) {
                groupFloats[l] = groupFloats[l] + groupFloats[l + span];
                groupLows[l] = groupLows[l] + groupLows[l + span];
            }
            localBarrier();
        }
    }

    /**
     * The first half of a column reduction: a work-item per (column, chunk of chunkRows rows), n = cols * chunks,
     * sums its chunk's rows in order into partials[chunk * cols + col]: dout's column, and with {@code normed != 0}
     * also the LayerNorm weight's gradient terms, norm * dout, into partials[(chunks + chunk) * cols + col]. Why:
     * a work-item per column over all rows gave a GPU only C work-items (768 at the 111M shape) for 16K rows.
     */
    void columnChunkSums(int partials, int dout, int inp, int mean, int rstd, int n, int rows, int cols,
                         int chunkRows, int normed) {
        int g = getGlobalId();
        if (g < n) {
            int col = g % cols;
            int chunk = g / cols;
            int chunks = n / cols;
            int first = chunk * chunkRows;
            int end = min(rows, first + chunkRows);
            float sum = 0f;
            float weighted = 0f;
            for (int r = first; r < end; r++) {
                float dy = mem[dout + r * cols + col];
                sum += dy;
                if (normed != 0) {
                    float norm = (mem[inp + r * cols + col] - mem[mean + r]) * mem[rstd + r];
                    weighted += norm * dy;
                }
            }
            mem[partials + g] = sum;
            if (normed != 0) {
                mem[partials + chunks * cols + g] = weighted;
            }
        }
    }

    /**
     * The second half: a work-item per column adds its chunks' partial sums in order into dsum[col] (and, with
     * {@code normed != 0}, the weighted ones into dweighted[col]).
     */
    void columnChunksAccumulate(int dsum, int dweighted, int partials, int cols, int chunks, int normed) {
        int col = getGlobalId();
        if (col < cols) {
            float sum = 0f;
            float weighted = 0f;
            for (int k = 0; k < chunks; k++) {
                sum += mem[partials + k * cols + col];
                if (normed != 0) {
                    weighted += mem[partials + (chunks + k) * cols + col];
                }
            }
            mem[dsum + col] += sum;
            if (normed != 0) {
                mem[dweighted + col] += weighted;
            }
        }
    }

    /**
     * A work-group per row (launched over rows * GROUP items): loss = -ln p[target] with p = softmax(scale * logits),
     * float exponentials summed as a pair of floats (about a double's precision; see {@link #groupRowSum}), and into
     * {@code out} either p ({@code gradient == 0}, the forward) or dloss * scale * (p - onehot(target)) from the same
     * float p (training's forward and backward in one pass, the bits of {@link #crossEntropyBackward} after the
     * forward, without writing and reading back p); out may be logits. Targets in {@link #ints}. Each item takes the
     * row's columns l, l + GROUP, ... (adjacent items read adjacent logits), and the group combines its items'
     * maxima and sums in local memory. Why: one work-item per row walked 50,257 logits alone, three times, with its
     * neighbours a row apart, and a double exponential per logit.
     *
     * <p>Every loop runs the same number of steps in every item ({@code j0} over the row, a guard for the columns
     * past its end). With {@code j = l; j < v} loops instead, PoCL 3.1 gave wrong normalisers now and then when
     * some items had no column (rows shorter than the group) and two work-groups ran at once on its threads: 26 to
     * 422 bad rows in 9,000 (a stress run of 3,000 three-row forwards of 13 columns), none with one PoCL thread or
     * with the loops as here ({@code ClBackendTest} repeats such forwards).
     */
    void crossEntropyRows(int losses, int out, int logits, int rows, int v, float scale, float dloss, int gradient) {
        int r = getGroupId();
        int l = getLocalId();
        int x = logits + r * v;
        int t = ints[r];
        // Read before any item overwrites its logits (out may be logits).
        float target = scale * mem[x + t];
        float max = groupRowMax(x, v, scale, l);
        groupRowSum(x, v, scale, max, l);
        float high = groupFloats[0];
        float low = groupLows[0];
        if (l == 0) {
            // log(high + low) = log(high) + low / high to within low's square.
            mem[losses + r] = (log(high) + low / high) - (target - max);
        }
        float inv = 1f / high;
        int o = out + r * v;
        for (int j0 = 0; j0 < v; j0 += GROUP) {
            int j = j0 + l;
            if (j < v) {
                float p = exp(scale * mem[x + j] - max) * inv;
                float ind = j == t ? 1f : 0f;
                mem[o + j] = gradient != 0 ? dloss * scale * (p - ind) : p;
            }
        }
    }

    /** The row's largest scale * x[j], every item of the group getting it (item l reads columns l, l + GROUP, ...). */
    float groupRowMax(int x, int v, float scale, int l) {
        float max = -3.4028235e38f;
        // Every item runs the same number of steps: see crossEntropyRows.
        for (int j0 = 0; j0 < v; j0 += GROUP) {
            int j = j0 + l;
            if (j < v) {
                max = max(max, scale * mem[x + j]);
            }
        }
        return groupMax(max, l);
    }

    /**
     * The row's sum of exp(scale * x[j] - max) as a pair of floats, high in groupFloats[0] and low in groupLows[0]
     * for every item of the group to read: each item's share added by Knuth's two-sum (the rounding error of each
     * addition kept in low), then the items' pairs combined the same way ({@link #groupSumPairs}). About 48
     * significant bits, as a double's 53, without double arithmetic (slow on most GPUs, absent on some).
     */
    void groupRowSum(int x, int v, float scale, float max, int l) {
        float high = 0f;
        float low = 0f;
        for (int j0 = 0; j0 < v; j0 += GROUP) {
            int j = j0 + l;
            if (j < v) {
                float term = exp(scale * mem[x + j] - max);
                float sum = high + term;
                float back = sum - high;
                low = low + ((high - (sum - back)) + (term - back));
                high = sum;
            }
        }
        // Its first barrier: every item has read the maximum out of groupFloats[0] before any item overwrites it.
        groupSumPairs(high, low, l);
    }

    /** dlogits = dloss * scale * (p - onehot) over n = N*V elements; dlogits may be probs. Targets in {@link #ints}. */
    void crossEntropyBackward(int dlogits, int probs, int n, int v, float scale, float dloss) {
        int g = getGlobalId();
        if (g < n) {
            int r = g / v;
            int j = g - r * v;
            float ind = j == ints[r] ? 1f : 0f;
            mem[dlogits + g] = dloss * scale * (mem[probs + g] - ind);
        }
    }
}
