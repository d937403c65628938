package dev.wafer.adapters.mpi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Downcall handles for the few MPI functions Wafer calls, and Open MPI's predefined handles. In Open MPI,
 * {@code MPI_COMM_WORLD}, {@code MPI_FLOAT}, {@code MPI_DOUBLE} and {@code MPI_SUM} are the addresses of the global
 * objects {@code ompi_mpi_comm_world}, {@code ompi_mpi_float}, {@code ompi_mpi_double} and {@code ompi_mpi_op_sum},
 * so they are looked up as symbols, never hard-coded. {@code MPI_IN_PLACE} is the constant {@code (void *) 1} of
 * Open MPI's {@code mpi.h} (part of its ABI).
 */
final class MpiLibrary {
    /** The library of Open MPI 3.x and 4.x (Debian's libopenmpi3). */
    static final String NAME = "libmpi.so.40";
    /** Open MPI's {@code MPI_MAX_LIBRARY_VERSION_STRING} is 256; room to spare. */
    static final int VERSION_CAPACITY = 4096;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout PTR = ValueLayout.ADDRESS;

    final MemorySegment commWorld;
    final MemorySegment floatType;
    final MemorySegment doubleType;
    final MemorySegment sum;
    final MemorySegment inPlace = MemorySegment.ofAddress(1);

    final MethodHandle initialized;
    final MethodHandle init;
    final MethodHandle finalizeMpi;
    final MethodHandle commRank;
    final MethodHandle commSize;
    final MethodHandle allreduce;
    final MethodHandle bcast;
    final MethodHandle reduceScatterBlock;
    final MethodHandle allgather;
    final MethodHandle barrier;
    final MethodHandle libraryVersion;

    private MpiLibrary(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        commWorld = symbol(lib, "ompi_mpi_comm_world");
        floatType = symbol(lib, "ompi_mpi_float");
        doubleType = symbol(lib, "ompi_mpi_double");
        sum = symbol(lib, "ompi_mpi_op_sum");
        initialized = linker.downcallHandle(symbol(lib, "MPI_Initialized"), FunctionDescriptor.of(INT, PTR));
        init = linker.downcallHandle(symbol(lib, "MPI_Init"), FunctionDescriptor.of(INT, PTR, PTR));
        finalizeMpi = linker.downcallHandle(symbol(lib, "MPI_Finalize"), FunctionDescriptor.of(INT));
        commRank = linker.downcallHandle(symbol(lib, "MPI_Comm_rank"), FunctionDescriptor.of(INT, PTR, PTR));
        commSize = linker.downcallHandle(symbol(lib, "MPI_Comm_size"), FunctionDescriptor.of(INT, PTR, PTR));
        allreduce = linker.downcallHandle(symbol(lib, "MPI_Allreduce"),
                FunctionDescriptor.of(INT, PTR, PTR, INT, PTR, PTR, PTR));
        reduceScatterBlock = linker.downcallHandle(symbol(lib, "MPI_Reduce_scatter_block"),
                FunctionDescriptor.of(INT, PTR, PTR, INT, PTR, PTR, PTR));
        allgather = linker.downcallHandle(symbol(lib, "MPI_Allgather"),
                FunctionDescriptor.of(INT, PTR, INT, PTR, PTR, INT, PTR, PTR));
        bcast = linker.downcallHandle(symbol(lib, "MPI_Bcast"), FunctionDescriptor.of(INT, PTR, INT, PTR, INT, PTR));
        barrier = linker.downcallHandle(symbol(lib, "MPI_Barrier"), FunctionDescriptor.of(INT, PTR));
        libraryVersion = linker.downcallHandle(symbol(lib, "MPI_Get_library_version"),
                FunctionDescriptor.of(INT, PTR, PTR));
    }

    /**
     * Loads the library (once per JVM: it stays loaded).
     *
     * @throws IllegalArgumentException if the library cannot be found (what {@link SymbolLookup#libraryLookup} throws)
     * @throws UnsatisfiedLinkError if a symbol is missing (not Open MPI, or too old)
     */
    static MpiLibrary load() {
        return new MpiLibrary(SymbolLookup.libraryLookup(NAME, Arena.global()));
    }

    /** {@code MPI_Get_library_version}, which MPI allows before {@code MPI_Init}: the first line, stripped. */
    String version() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocate(VERSION_CAPACITY);
            MemorySegment length = arena.allocate(INT);
            check((int) libraryVersion.invokeExact(text, length), "MPI_Get_library_version");
            return text.getString(0).strip().lines().findFirst().orElse("").strip();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void check(int rc, String function) {
        if (rc != 0) {
            throw new dev.wafer.ports.collective.CollectiveException(function + " failed with MPI error code " + rc);
        }
    }

    private static MemorySegment symbol(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new UnsatisfiedLinkError(NAME + " has no symbol " + name));
    }
}
