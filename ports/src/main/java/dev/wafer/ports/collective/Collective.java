package dev.wafer.ports.collective;

/**
 * The processes of one run and the collective operations between them. Every rank must call the same operations
 * in the same order with the same lengths (as MPI requires); a rank that calls one the others do not make waits.
 *
 * <p>Results are deterministic: for a fixed number of ranks and fixed lengths, a sum is computed in the same order
 * on every call, and every rank receives the same bits, so ranks that apply the same update stay identical.
 * Implementations block the calling thread until every rank has arrived; they are not thread-safe.
 */
public interface Collective {

    /** This process's rank, {@code 0 <= rank < size()}; rank 0 is the one that prints and writes files. */
    int rank();

    /** The number of processes in the run (1 for a single process). */
    int size();

    /**
     * Replaces {@code values[offset, offset+count)} on every rank by its element-wise sum over all ranks.
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code values}
     * @throws CollectiveException if the communication fails
     */
    void allReduceSum(float[] values, int offset, int count);

    /**
     * Replaces {@code values[offset, offset+count)} on every rank by its element-wise sum over all ranks.
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code values}
     * @throws CollectiveException if the communication fails
     */
    void allReduceSum(double[] values, int offset, int count);

    /**
     * Copies rank {@code root}'s {@code values[offset, offset+count)} to every other rank.
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code values} or root is not a rank
     * @throws CollectiveException if the communication fails
     */
    void broadcast(double[] values, int offset, int count, int root);

    /**
     * Returns once every rank has called it.
     *
     * @throws CollectiveException if the communication fails
     */
    void barrier();

    /** A short description for reports, e.g. {@code "single process"} or {@code "Open MPI v4.1.4, 2 ranks"}. */
    String description();
}
