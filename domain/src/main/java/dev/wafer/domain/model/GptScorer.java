package dev.wafer.domain.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.wafer.domain.eval.ContinuationScore;
import dev.wafer.domain.eval.LogLikelihoodScorer;
import dev.wafer.domain.eval.LoglikelihoodRequest;
import dev.wafer.domain.eval.WindowLossScorer;
import dev.wafer.domain.generate.NonFiniteOutputException;

/**
 * Scores text with a {@link GptModel} of micro-batch B x T. {@link #score} runs one request per forward pass padded
 * at the end to the full window T (causal attention keeps the padding from influencing earlier positions);
 * {@link #scoreBatch} packs up to B·T input positions as rows padded only to the batch's longest input, runs the
 * LM head only on the continuation positions and takes their log-softmax from the backend's fused softmax +
 * cross-entropy kernel (float32 per token, summed in double). {@link #score} and {@link #sumNats} compute the
 * log-softmax of the logits (with the parameterisation's output multiplier) on the host in double.
 */
public final class GptScorer implements LogLikelihoodScorer, WindowLossScorer {
    private final GptModel model;
    private final LogitsReadout readout;
    private final int length;
    private final int[] input;
    private final float[] row;
    private final float scale;

    private final int[] batchInput;
    private final int[] positions;
    private final int[] targets;
    private final float[] losses;
    private final boolean[] greedyAt;
    private long layerPositions;

    /** A scorer over {@code model}, whose micro-batch B x T sets the window (T) and the batch budget (B·T). */
    public GptScorer(GptModel model) {
        this.model = model;
        this.readout = model.readout();
        this.length = model.sequenceLength();
        this.input = new int[length];
        this.batchInput = new int[model.tokensPerMicroBatch()];
        this.positions = new int[model.tokensPerMicroBatch()];
        this.targets = new int[model.tokensPerMicroBatch()];
        this.losses = new float[model.tokensPerMicroBatch()];
        this.greedyAt = new boolean[model.tokensPerMicroBatch()];
        this.row = new float[model.shape().vocabSize()];
        this.scale = model.multipliers().outputLogitMultiplier();
    }

    @Override
    public int batchTokens() {
        return model.tokensPerMicroBatch();
    }

    /**
     * Positions run through the decoder layers so far, padding included: rows times the longest row per batch, the
     * full window per unbatched request, the window per test-set window.
     */
    public long layerPositions() {
        return layerPositions;
    }

    /**
     * One forward pass for the whole batch: row r holds request r's kept tokens ({@code (ctx + cont)[-(T+1):][:-1]},
     * as {@link #score}) padded with token 0 to the longest row; only continuation positions reach the LM head.
     */
    @Override
    public List<ContinuationScore> scoreBatch(List<LoglikelihoodRequest> batch) {
        int rows = batch.size();
        int t = 0;
        for (var r : batch) {
            t = Math.max(t, Math.min(r.inputLength(), length));
        }
        if (rows == 0 || (long) rows * t > batchInput.length) {
            throw new IllegalArgumentException(rows + " rows of up to " + t + " tokens do not fit " + batchInput.length
                    + " batch positions");
        }
        int count = 0;
        int[][] conts = new int[rows][];
        for (int r = 0; r < rows; r++) {
            int[] ctx = batch.get(r).context();
            int[] cont = batch.get(r).continuation();
            int total = ctx.length + cont.length;
            int start = Math.max(0, total - (length + 1));
            int inLen = total - start - 1;
            checkFits(cont.length, inLen);
            int base = r * t;
            for (int i = 0; i < inLen; i++) {
                int k = start + i;
                batchInput[base + i] = k < ctx.length ? ctx[k] : cont[k - ctx.length];
            }
            Arrays.fill(batchInput, base + inLen, base + t, 0);
            for (int j = 0; j < cont.length; j++) {
                positions[count++] = base + inLen - cont.length + j;
            }
            conts[r] = cont;
        }
        readout.forwardLogitsAt(batchInput, rows, t, positions, count);
        layerPositions += (long) rows * t;
        // Greedy needs the raw logits, read before the fused softmax overwrites them with probabilities.
        int k = 0;
        for (int r = 0; r < rows; r++) {
            for (int target : conts[r]) {
                readout.copyLogitsRow(k, row);
                targets[k] = target;
                greedyAt[k] = argmax() == target;
                k++;
            }
        }
        readout.lossesAt(targets, count, losses);
        List<ContinuationScore> out = new ArrayList<>(rows);
        k = 0;
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            boolean greedy = true;
            for (int j = 0; j < conts[r].length; j++, k++) {
                if (!Float.isFinite(losses[k])) {
                    throw new NonFiniteOutputException("the model produced a non-finite log-probability ("
                            + -losses[k] + ")");
                }
                sum -= losses[k];
                greedy &= greedyAt[k];
            }
            out.add(new ContinuationScore(Math.min(0, sum), greedy));
        }
        return out;
    }

    private void checkFits(int continuation, int inLen) {
        if (continuation > inLen) {
            throw new IllegalArgumentException("a continuation of " + continuation + " tokens does not fit a "
                    + length + "-token model window");
        }
    }

    /** The longest input one forward pass takes (the model's T). */
    public int maxLength() {
        return length;
    }

    @Override
    public ContinuationScore score(int[] context, int[] continuation) {
        if (context.length < 1 || continuation.length < 1) {
            throw new IllegalArgumentException("context and continuation need at least one token each");
        }
        int total = context.length + continuation.length;
        // The harness's (ctx + cont)[-(max+1):][:-1]: keep the last max+1 tokens, drop the final one.
        int start = Math.max(0, total - (length + 1));
        int inLen = total - start - 1;
        checkFits(continuation.length, inLen);
        int[] all = new int[total];
        System.arraycopy(context, 0, all, 0, context.length);
        System.arraycopy(continuation, 0, all, context.length, continuation.length);
        run(all, start, inLen);
        double sum = 0;
        boolean greedy = true;
        for (int j = 0; j < continuation.length; j++) {
            int pos = inLen - continuation.length + j;
            readout.copyLogitsRow(pos, row);
            int target = continuation[j];
            sum += logSoftmax(target);
            greedy &= argmax() == target;
        }
        return new ContinuationScore(sum, greedy);
    }

    @Override
    public double sumNats(int[] window) {
        if (window.length < 2 || window.length > length + 1) {
            throw new IllegalArgumentException("a window holds 2 to " + (length + 1) + " tokens, found " + window.length);
        }
        int inLen = window.length - 1;
        System.arraycopy(window, 0, input, 0, inLen);
        readout.forwardLogits(input, 1, inLen);
        layerPositions += inLen;
        double nats = 0;
        for (int i = 0; i < inLen; i++) {
            readout.copyLogitsRow(i, row);
            nats -= logSoftmax(window[i + 1]);
        }
        return nats;
    }

    /** The unbatched path: one row padded to the full window T. */
    private void run(int[] tokens, int from, int count) {
        System.arraycopy(tokens, from, input, 0, count);
        Arrays.fill(input, count, length, 0);
        readout.forwardLogits(input, 1, length);
        layerPositions += length;
    }

    /** log softmax(scale · row)[target], in double with the maximum subtracted. */
    private double logSoftmax(int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, (double) scale * v);
        }
        double sum = 0;
        for (float v : row) {
            sum += Math.exp((double) scale * v - max);
        }
        double logProb = (double) scale * row[target] - max - Math.log(sum);
        if (Double.isNaN(logProb) || Double.isInfinite(max)) {
            throw new NonFiniteOutputException("the model produced a non-finite logit (log-probability " + logProb
                    + ")");
        }
        return logProb;
    }

    private int argmax() {
        return SelectedPositionsHead.argmax(row, scale);
    }
}
