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
     * Sums block by block and hands each rank its own block: {@code values[offset, offset + size()·count)} holds
     * {@code size()} blocks of {@code count} floats, block {@code r} starting at {@code offset + r·count}; on return
     * block {@code rank()} holds the element-wise sum of that block over all ranks (the same bits that
     * {@link #allReduceSum(float[], int, int)} of the whole range would give there), and the other blocks are unchanged.
     * This is MPI's {@code MPI_Reduce_scatter_block} with {@code MPI_SUM}: each rank receives only its share of the sum.
     *
     * @param count floats per rank (every rank passes the same)
     * @throws IndexOutOfBoundsException if {@code size()·count} floats from {@code offset} are not inside {@code values}
     * @throws CollectiveException if the communication fails
     */
    void reduceScatterSum(float[] values, int offset, int count);

    /**
     * Gathers every rank's block onto every rank: {@code values[offset, offset + size()·count)} holds {@code size()}
     * blocks of {@code count} floats; each rank's own block {@code rank()} (at {@code offset + rank()·count}) is sent,
     * and on return every block {@code r} holds rank {@code r}'s block, bit for bit. This is MPI's
     * {@code MPI_Allgather}.
     *
     * @param count floats per rank (every rank passes the same)
     * @throws IndexOutOfBoundsException if {@code size()·count} floats from {@code offset} are not inside {@code values}
     * @throws CollectiveException if the communication fails
     */
    void allGather(float[] values, int offset, int count);

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
