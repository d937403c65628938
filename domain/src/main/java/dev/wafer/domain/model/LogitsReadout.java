package dev.wafer.domain.model;

import static dev.wafer.domain.model.ParameterName.WTE;

import dev.wafer.ports.compute.CrossEntropyKernel;
import dev.wafer.ports.compute.MatmulKernel;

/**
 * The forward passes scoring needs from a {@link GptModel}, in its buffers: a smaller micro-batch whose logits stay on
 * the device, the tied LM head run only at listed positions, the losses at those positions, and one logits row at a
 * time to the host. Training uses none of it; {@link GptScorer} uses all of it.
 */
final class LogitsReadout {
    private final GptModel model;
    private final Activations act;
    private final ParameterSet params;
    private final MatmulKernel matmul;
    private final CrossEntropyKernel crossEntropy;
    private final ModelShape shape;
    /** Host copy of the final layer norm's rows for {@link #forwardLogitsAt}; allocated on first use. */
    private float[] gathered = new float[0];

    LogitsReadout(GptModel model, Activations act, ParameterSet params, MatmulKernel matmul,
                  CrossEntropyKernel crossEntropy) {
        this.model = model;
        this.act = act;
        this.params = params;
        this.matmul = matmul;
        this.crossEntropy = crossEntropy;
        this.shape = model.shape();
    }

    /**
     * Runs the forward of a smaller micro-batch, {@code rows} sequences of {@code t} tokens in the allocated
     * buffers (batched scoring packs short requests this way), and keeps the logits of all {@code rows·t}
     * positions on the device: row {@code r·t + j} of {@link #copyLogitsRow} is sequence r, position j.
     *
     * @param tokens at least {@code rows·t} ids, row-major; only the first {@code rows·t} are read
     * @throws IllegalArgumentException unless {@code t <= T} and {@code rows·t <= B·T} (then every activation,
     *                                  the {@code rows·H·t·t} attention scores included, fits its buffer)
     */
    void forwardLogits(int[] tokens, int rows, int t) {
        model.checkSubBatch(tokens, rows, t);
        model.forwardToLnf(tokens, rows, t);
        int n = rows * t;
        matmul.forward(act.logits, act.lnf, params.get(WTE), null, n, shape.dModel(), shape.vocabSize());
    }

    /**
     * As {@link #forwardLogits(int[], int, int)}, but the tied LM head runs only on the {@code count} positions
     * listed (indices {@code r·t + j}, strictly increasing): row k of {@link #copyLogitsRow} then holds the logits
     * of position {@code positions[k]}. For small models the head (V·C per position) costs more than the layers,
     * and scoring needs only the continuation's positions.
     */
    void forwardLogitsAt(int[] tokens, int rows, int t, int[] positions, int count) {
        model.checkSubBatch(tokens, rows, t);
        int n = rows * t;
        int c = shape.dModel();
        ModelInputChecks.increasingPositions(positions, count, n, rows, t);
        model.forwardToLnf(tokens, rows, t);
        if (gathered.length < n * c) {
            gathered = new float[Math.multiplyExact(act.b * act.t, c)]; // once, at the allocated size
        }
        act.lnf.copyToHost(0, gathered, 0, n * c);
        // In place: positions[k] >= k, so each source row is read before a later k overwrites it.
        for (int k = 0; k < count; k++) {
            System.arraycopy(gathered, positions[k] * c, gathered, k * c, c);
        }
        act.dln.copyFromHost(gathered, 0, 0, count * c); // dln is a backward buffer, free in inference
        matmul.forward(act.logits, act.dln, params.get(WTE), null, count, c, shape.vocabSize());
    }

    /**
     * After {@link #forwardLogitsAt}: {@code dst[k] = -log softmax(m · logits row k)[targets[k]]} for the first
     * {@code count} rows (m the output multiplier), by the backend's fused softmax + cross-entropy (normaliser
     * reduced in double on the CPU backend). It overwrites those logits rows with probabilities: read any logits
     * first.
     */
    void lossesAt(int[] targets, int count, float[] dst) {
        if (count < 1 || count > act.b * act.t || targets.length < count || dst.length < count) {
            throw new IllegalArgumentException(count + " loss rows do not fit the micro-batch or the arrays");
        }
        crossEntropy.forward(act.losses, act.logits, act.logits, targets, count, shape.vocabSize(),
                model.multipliers().outputLogitMultiplier());
        act.losses.copyToHost(0, dst, 0, count);
    }

    /**
     * Copies row {@code row} of the unscaled logits of the last forward (position {@code b·T + t}; after
     * {@link #forwardLogitsAt}, the row-th listed position) into {@code dst}, which holds at least V floats.
     * Multiply by the parameterisation's output multiplier for the logits the loss sees.
     */
    void copyLogitsRow(int row, float[] dst) {
        if (row < 0 || row >= act.b * act.t) {
            throw new IndexOutOfBoundsException("logits row " + row + " outside [0, " + act.b * act.t + ")");
        }
        act.logits.copyToHost((long) row * shape.vocabSize(), dst, 0, shape.vocabSize());
    }
}
