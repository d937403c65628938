package dev.wafer.domain.model;

import static dev.wafer.domain.model.ParameterName.LNF_BIAS;
import static dev.wafer.domain.model.ParameterName.LNF_WEIGHT;
import static dev.wafer.domain.model.ParameterName.WTE;

import java.util.Arrays;

import dev.wafer.domain.generate.NonFiniteOutputException;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.CrossEntropyKernel;
import dev.wafer.ports.compute.LayerNormKernel;
import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/**
 * The final LayerNorm and tied LM head at listed positions of a pass's residual stream, each with the token it
 * should predict and the continuation it counts for: {@code -log softmax} from the backend's fused softmax +
 * cross-entropy kernel is subtracted from that continuation's sum, and the raw logits' argmax decides whether the
 * token was greedy. A position may be listed more than once (a context's last position, for each continuation after
 * it). The head runs on at most {@code headRows} positions at a time, so its logits buffer is {@code headRows · V}.
 */
final class SelectedPositionsHead {
    private final ModelShape shape;
    private final ParameterSet params;
    private final LayerNormKernel layerNorm;
    private final MatmulKernel matmul;
    private final CrossEntropyKernel crossEntropy;
    private final float outputMultiplier;
    private final int headRows;
    private final Tensor selected;
    private final Tensor normed;
    private final Tensor mean;
    private final Tensor rstd;
    private final Tensor logits;
    private final Tensor losses;
    private final float[] stream;
    private final float[] rows;
    private final float[] row;
    private final float[] lossValues;
    private final int[] chunkTargets;
    private int[] positions = new int[64];
    private int[] targets = new int[64];
    private int[] owners = new int[64];
    private int count;

    /**
     * @param maxPositions positions of the largest pass whose residual stream {@link #score} reads
     * @param headRows     positions the head runs on at once
     */
    SelectedPositionsHead(ComputeBackend backend, TensorScope scope, ParameterSet params,
                          ForwardMultipliers parameterisation, int maxPositions, int headRows) {
        this.shape = params.layout().shape();
        this.params = params;
        this.layerNorm = backend.layerNorm();
        this.matmul = backend.matmul();
        this.crossEntropy = backend.crossEntropy();
        this.outputMultiplier = parameterisation.outputLogitMultiplier();
        this.headRows = headRows;
        long c = shape.dModel();
        this.selected = scope.allocate(headRows * c);
        this.normed = scope.allocate(headRows * c);
        this.mean = scope.allocate(headRows);
        this.rstd = scope.allocate(headRows);
        this.logits = scope.allocate((long) headRows * shape.vocabSize());
        this.losses = scope.allocate(headRows);
        this.stream = new float[Math.multiplyExact(maxPositions, shape.dModel())];
        this.rows = new float[Math.multiplyExact(headRows, shape.dModel())];
        this.row = new float[shape.vocabSize()];
        this.lossValues = new float[headRows];
        this.chunkTargets = new int[headRows];
    }

    /** Forgets the listed positions. */
    void clear() {
        count = 0;
    }

    /** Lists {@code position} of the next pass, predicting {@code target}, for continuation {@code owner}. */
    void add(int position, int target, int owner) {
        if (count == positions.length) {
            positions = Arrays.copyOf(positions, 2 * count);
            targets = Arrays.copyOf(targets, 2 * count);
            owners = Arrays.copyOf(owners, 2 * count);
        }
        positions[count] = position;
        targets[count] = target;
        owners[count] = owner;
        count++;
    }

    /**
     * Scores the listed positions of the first {@code n} rows of {@code x} (the residual stream after the last
     * block): {@code sums[owner] -= loss}, {@code greedy[owner] &= argmax == target}.
     */
    void score(Tensor x, int n, double[] sums, boolean[] greedy) {
        if (count == 0) {
            return;
        }
        int c = shape.dModel();
        int v = shape.vocabSize();
        x.copyToHost(0, stream, 0, n * c);
        for (int from = 0; from < count; from += headRows) {
            int k = Math.min(headRows, count - from);
            for (int i = 0; i < k; i++) {
                System.arraycopy(stream, positions[from + i] * c, rows, i * c, c);
                chunkTargets[i] = targets[from + i];
            }
            selected.copyFromHost(rows, 0, 0, k * c);
            layerNorm.forward(normed, mean, rstd, selected, params.get(LNF_WEIGHT), params.get(LNF_BIAS), k, c);
            matmul.forward(logits, normed, params.get(WTE), null, k, c, v);
            // Greedy needs the raw logits, read before the fused softmax overwrites them with probabilities.
            for (int i = 0; i < k; i++) {
                logits.copyToHost((long) i * v, row, 0, v);
                greedy[owners[from + i]] &= argmax() == chunkTargets[i];
            }
            crossEntropy.forward(losses, logits, logits, chunkTargets, k, v, outputMultiplier);
            losses.copyToHost(0, lossValues, 0, k);
            for (int i = 0; i < k; i++) {
                if (!Float.isFinite(lossValues[i])) {
                    throw new NonFiniteOutputException("the model produced a non-finite log-probability ("
                            + -lossValues[i] + ")");
                }
                sums[owners[from + i]] -= lossValues[i];
            }
        }
    }

    private int argmax() {
        return argmax(row, outputMultiplier);
    }

    /**
     * The index of the largest {@code scale · row[i]}, the first of equal ones (as the loss sees the logits: muP's
     * output multiplier applied, in float32).
     */
    static int argmax(float[] row, float scale) {
        int best = 0;
        float bestValue = row[0] * scale;
        for (int i = 1; i < row.length; i++) {
            float value = row[i] * scale;
            if (value > bestValue) {
                best = i;
                bestValue = value;
            }
        }
        return best;
    }
}
