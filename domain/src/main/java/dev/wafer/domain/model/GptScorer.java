package dev.wafer.domain.model;

import java.util.Arrays;

import dev.wafer.domain.eval.ContinuationScore;
import dev.wafer.domain.eval.LogLikelihoodScorer;
import dev.wafer.domain.eval.WindowLossScorer;
import dev.wafer.domain.generate.NonFiniteOutputException;

/**
 * Scores text with a {@link GptModel} of micro-batch 1 x T: one causal forward pass per request, shorter inputs
 * padded at the end (causal attention keeps the padding from influencing earlier positions), log-softmax of the
 * logits (with the parameterisation's output multiplier) computed on the host in double.
 */
public final class GptScorer implements LogLikelihoodScorer, WindowLossScorer {
    private final GptModel model;
    private final int length;
    private final int[] input;
    private final float[] row;
    private final float scale;

    /** @throws IllegalArgumentException unless the model's micro-batch is one sequence */
    public GptScorer(GptModel model) {
        if (model.tokensPerMicroBatch() != model.sequenceLength()) {
            throw new IllegalArgumentException("scoring needs a model built for micro-batches of one sequence");
        }
        this.model = model;
        this.length = model.sequenceLength();
        this.input = new int[length];
        this.row = new float[model.shape().vocabSize()];
        this.scale = model.multipliers().outputLogitMultiplier();
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
        if (continuation.length > inLen) {
            throw new IllegalArgumentException("a continuation of " + continuation.length + " tokens does not fit a "
                    + length + "-token model window");
        }
        int[] all = new int[total];
        System.arraycopy(context, 0, all, 0, context.length);
        System.arraycopy(continuation, 0, all, context.length, continuation.length);
        run(all, start, inLen);
        double sum = 0;
        boolean greedy = true;
        for (int j = 0; j < continuation.length; j++) {
            int pos = inLen - continuation.length + j;
            model.copyLogitsRow(pos, row);
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
        run(window, 0, inLen);
        double nats = 0;
        for (int i = 0; i < inLen; i++) {
            model.copyLogitsRow(i, row);
            nats -= logSoftmax(window[i + 1]);
        }
        return nats;
    }

    private void run(int[] tokens, int from, int count) {
        System.arraycopy(tokens, from, input, 0, count);
        Arrays.fill(input, count, length, 0);
        model.forwardLogits(input);
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
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] * scale > row[best] * scale) {
                best = i;
            }
        }
        return best;
    }
}
