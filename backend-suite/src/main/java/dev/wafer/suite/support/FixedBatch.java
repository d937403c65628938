package dev.wafer.suite.support;

import dev.wafer.ports.data.ResumableBatchSource;

/**
 * The same batch every time, as the golden script trains: a whole batch of {@code batch x seq} tokens, copied
 * for every micro-batch request of that size.
 */
public final class FixedBatch implements ResumableBatchSource {
    private final int[] inputs;
    private final int[] targets;
    private long position;

    /**
     * @param inputs  input tokens of the batch, row-major
     * @param targets target tokens, the same length
     */
    public FixedBatch(int[] inputs, int[] targets) {
        if (inputs.length != targets.length) {
            throw new IllegalArgumentException(inputs.length + " inputs but " + targets.length + " targets");
        }
        this.inputs = inputs.clone();
        this.targets = targets.clone();
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public void seek(long newPosition) {
        if (newPosition < 0) {
            throw new IllegalArgumentException("data position must be >= 0, found " + newPosition);
        }
        position = newPosition;
    }

    @Override
    public void next(int[] in, int[] tg, int batch, int seq) {
        if (batch * seq != inputs.length) {
            throw new IllegalArgumentException("the fixed batch has " + inputs.length + " tokens, asked for "
                    + batch + " x " + seq);
        }
        System.arraycopy(inputs, 0, in, 0, inputs.length);
        System.arraycopy(targets, 0, tg, 0, targets.length);
        position += batch;
    }
}
