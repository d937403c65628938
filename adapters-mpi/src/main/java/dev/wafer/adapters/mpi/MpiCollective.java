package dev.wafer.adapters.mpi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.collective.CollectiveException;

/**
 * The collective port on {@code MPI_COMM_WORLD} of Open MPI. Values travel through one native buffer, allocated
 * on first use and grown only when a larger call comes, so the per-step calls allocate nothing. Sums are
 * {@code MPI_Allreduce} with {@code MPI_SUM}: Open MPI picks its algorithm from the rank count and message size
 * alone, so for a given job the order of additions is fixed, and every rank receives the same bits.
 * A sharded optimizer's calls are {@code MPI_Reduce_scatter_block} (sum) and {@code MPI_Allgather} (in place).
 *
 * <p>A {@link CollectiveWatchdog} halts the process (exit 76) with a one-line
 * message when a call waits longer than the timeout, i.e. when another rank hung; {@code mpirun} then stops the rest.
 * The counters {@link #communicationNanos()} and {@link #bytesReduced()} feed the end-of-run report.
 *
 * <p>Use from one thread: MPI is initialised with the default {@code MPI_THREAD_SINGLE}.
 */
public final class MpiCollective implements Collective, AutoCloseable {
    private final MpiLibrary mpi;
    private final Arena arena = Arena.ofShared();
    private final int rank;
    private final int size;
    private final String version;
    private final CollectiveWatchdog watchdog;
    private MemorySegment buffer = MemorySegment.NULL;
    private long nanos;
    private long bytes;
    private boolean finished;

    private MpiCollective(MpiLibrary mpi, Duration timeout, Consumer<String> hung) {
        this.mpi = mpi;
        this.version = mpi.version();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment flag = a.allocate(ValueLayout.JAVA_INT);
            MpiLibrary.check((int) mpi.initialized.invokeExact(flag), "MPI_Initialized");
            if (flag.get(ValueLayout.JAVA_INT, 0) == 0) {
                MpiLibrary.check((int) mpi.init.invokeExact(MemorySegment.NULL, MemorySegment.NULL), "MPI_Init");
            }
            MemorySegment out = a.allocate(ValueLayout.JAVA_INT);
            MpiLibrary.check((int) mpi.commRank.invokeExact(mpi.commWorld, out), "MPI_Comm_rank");
            this.rank = out.get(ValueLayout.JAVA_INT, 0);
            MpiLibrary.check((int) mpi.commSize.invokeExact(mpi.commWorld, out), "MPI_Comm_size");
            this.size = out.get(ValueLayout.JAVA_INT, 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        this.watchdog = CollectiveWatchdog.start(rank, size, timeout, hung);
    }

    /**
     * Loads Open MPI and joins the job ({@code MPI_Init}); call once per process, from the thread that will use it.
     *
     * @param timeout how long one collective call may wait for the other ranks before this process halts
     * @param hung    told the one-line reason just before a call past the timeout halts the process
     * @throws IllegalArgumentException if {@code libmpi.so.40} cannot be found
     * @throws UnsatisfiedLinkError     if the library lacks a symbol (not Open MPI 3 or 4)
     * @throws CollectiveException      if MPI fails to initialise
     */
    public static MpiCollective join(Duration timeout, Consumer<String> hung) {
        return new MpiCollective(MpiLibrary.load(), timeout, hung);
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void allReduceSum(float[] values, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, values.length);
        MemorySegment buf = buffer(count * Float.BYTES);
        MemorySegment.copy(values, offset, buf, ValueLayout.JAVA_FLOAT, 0, count);
        allReduceInPlace(buf, count, mpi.floatType, (long) count * Float.BYTES);
        MemorySegment.copy(buf, ValueLayout.JAVA_FLOAT, 0, values, offset, count);
    }

    @Override
    public void allReduceSum(double[] values, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, values.length);
        MemorySegment buf = buffer(count * Double.BYTES);
        MemorySegment.copy(values, offset, buf, ValueLayout.JAVA_DOUBLE, 0, count);
        allReduceInPlace(buf, count, mpi.doubleType, (long) count * Double.BYTES);
        MemorySegment.copy(buf, ValueLayout.JAVA_DOUBLE, 0, values, offset, count);
    }

    /** {@code MPI_Allreduce(MPI_IN_PLACE, buf, count, type, MPI_SUM, MPI_COMM_WORLD)}, watched and accounted. */
    private void allReduceInPlace(MemorySegment buf, int count, MemorySegment type, long bytes) {
        long start = watchdog.enter("all-reduce");
        try {
            MpiLibrary.check((int) mpi.allreduce.invokeExact(mpi.inPlace, buf, count, type, mpi.sum,
                    mpi.commWorld), "MPI_Allreduce");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            account(start, bytes);
        }
    }

    /**
     * {@code MPI_Reduce_scatter_block(send, recv, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD)}: the blocks go out from
     * the first part of the native buffer and this rank's sum lands after them, then is copied into its own block.
     */
    @Override
    public void reduceScatterSum(float[] values, int offset, int count) {
        int total = blocks(values.length, offset, count);
        MemorySegment buf = buffer((long) (total + count) * Float.BYTES);
        MemorySegment.copy(values, offset, buf, ValueLayout.JAVA_FLOAT, 0, total);
        MemorySegment recv = buf.asSlice((long) total * Float.BYTES);
        long start = watchdog.enter("reduce-scatter");
        try {
            MpiLibrary.check((int) mpi.reduceScatterBlock.invokeExact(buf, recv, count, mpi.floatType, mpi.sum,
                    mpi.commWorld), "MPI_Reduce_scatter_block");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            account(start, (long) total * Float.BYTES);
        }
        MemorySegment.copy(recv, ValueLayout.JAVA_FLOAT, 0, values, offset + rank * count, count);
    }

    /** {@code MPI_Allgather(MPI_IN_PLACE, ..., buf, count, MPI_FLOAT, MPI_COMM_WORLD)}: this rank's block is in place. */
    @Override
    public void allGather(float[] values, int offset, int count) {
        int total = blocks(values.length, offset, count);
        MemorySegment buf = buffer((long) total * Float.BYTES);
        MemorySegment.copy(values, offset + rank * count, buf, ValueLayout.JAVA_FLOAT,
                (long) rank * count * Float.BYTES, count);
        long start = watchdog.enter("all-gather");
        try {
            MpiLibrary.check((int) mpi.allgather.invokeExact(mpi.inPlace, 0, mpi.floatType, buf, count,
                    mpi.floatType, mpi.commWorld), "MPI_Allgather");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            account(start, (long) count * Float.BYTES);
        }
        MemorySegment.copy(buf, ValueLayout.JAVA_FLOAT, 0, values, offset, total);
    }

    /** {@code size·count}, after checking that many floats from {@code offset} fit an array of {@code length}. */
    private int blocks(int length, int offset, int count) {
        if (count < 0 || (long) size * count > Integer.MAX_VALUE) {
            throw new IndexOutOfBoundsException("count " + count + " per rank for " + size + " ranks");
        }
        int total = size * count;
        Objects.checkFromIndexSize(offset, total, length);
        return total;
    }

    @Override
    public void broadcast(double[] values, int offset, int count, int root) {
        Objects.checkFromIndexSize(offset, count, values.length);
        Objects.checkIndex(root, size);
        MemorySegment buf = buffer(count * Double.BYTES);
        MemorySegment.copy(values, offset, buf, ValueLayout.JAVA_DOUBLE, 0, count);
        long start = watchdog.enter("broadcast");
        try {
            MpiLibrary.check((int) mpi.bcast.invokeExact(buf, count, mpi.doubleType, root, mpi.commWorld),
                    "MPI_Bcast");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            account(start, (long) count * Double.BYTES);
        }
        MemorySegment.copy(buf, ValueLayout.JAVA_DOUBLE, 0, values, offset, count);
    }

    @Override
    public void barrier() {
        long start = watchdog.enter("barrier");
        try {
            MpiLibrary.check((int) mpi.barrier.invokeExact(mpi.commWorld), "MPI_Barrier");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            account(start, 0);
        }
    }

    @Override
    public String description() {
        return version + ", rank " + rank + " of " + size;
    }

    /** The library's version line, e.g. {@code "Open MPI v4.1.4, package: Debian OpenMPI, ..."}. */
    public String libraryVersion() {
        return version;
    }

    /** Nanoseconds spent inside collective calls so far (waiting for other ranks included). */
    public long communicationNanos() {
        return nanos;
    }

    /**
     * Bytes this rank has contributed to collective calls so far: the range of an all-reduce or broadcast, the whole
     * input of a reduce-scatter, its own block of an all-gather.
     */
    public long bytesReduced() {
        return bytes;
    }

    /**
     * Leaves the job ({@code MPI_Finalize}, which waits for every rank to call it). Call it only on success: after a
     * failure, exit without it so that {@code mpirun} stops the other ranks instead of waiting for them.
     */
    @Override
    public void close() {
        if (finished) {
            return;
        }
        finished = true;
        watchdog.stop();
        try {
            MpiLibrary.check((int) mpi.finalizeMpi.invokeExact(), "MPI_Finalize");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private void account(long start, long moved) {
        nanos += watchdog.exit() - start;
        bytes += moved;
    }

    private MemorySegment buffer(long byteCount) {
        if (finished) {
            throw new CollectiveException("MPI was finalised: no more collective calls");
        }
        if (buffer.byteSize() < byteCount) {
            buffer = arena.allocate(Math.max(byteCount, 64), 64);
        }
        return buffer;
    }
}
