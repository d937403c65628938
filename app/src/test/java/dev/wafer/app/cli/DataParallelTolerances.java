package dev.wafer.app.cli;

/**
 * How closely a data-parallel run follows the single-process run with the same global batch, in one place.
 *
 * <p>Exact, bit for bit: the loss of any step computed from identical parameters (the first step of a run, the first
 * step after a resume at another rank count), because each micro-batch's loss is computed by one rank exactly as a
 * single process computes it and the ranks' losses are added in the single-process order. Also exact: two runs with
 * the same rank count (Open MPI's all-reduce order is fixed by rank count and message size).
 *
 * <p>Within {@link #RELATIVE_LOSS}: later steps across rank counts. A single process accumulates the gradient as
 * {@code ((g1 + g2) + g3) + g4}; two ranks compute {@code (g1 + g3) + (g2 + g4)}. Float addition is not associative,
 * so the gradients differ in the last bits (about 1e-7 relative), AdamW moves the parameters by slightly different
 * amounts, and the losses drift apart slowly: measured about 5e-9 relative after 20 steps of the test model.
 */
final class DataParallelTolerances {
    /** Largest |a - b| / |b| between per-step losses of runs with different rank counts. */
    static final double RELATIVE_LOSS = 1e-5;

    private DataParallelTolerances() {
    }
}
