package dev.wafer.adapters.cpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * oneDNN 2.x ({@code libdnnl.so.2}, Debian's {@code libdnnl2}) through the FFM API: only the calls a bf16 matmul
 * needs. oneDNN issues AVX512_BF16 instructions, which the Vector API cannot; it is the CPU backend's bf16 GEMM when
 * the library is installed. Enum values and struct sizes are those of oneDNN 2.6's {@code dnnl_types.h}.
 */
final class OneDnn {
    /** The shared library's soname (oneDNN 2.x; the 3.x C API differs and is not bound here). */
    static final String LIBRARY = "libdnnl.so.2";
    static final int SUCCESS = 0;
    static final int ENGINE_CPU = 1;
    static final int STREAM_DEFAULT_FLAGS = 1;
    static final int DATA_TYPE_BF16 = 2;
    static final int DATA_TYPE_F32 = 3;
    static final int QUERY_IMPL_INFO_STR = 8;
    static final int ARG_SRC = 1;
    static final int ARG_DST = 17;
    static final int ARG_WEIGHTS = 33;
    /**
     * Bytes reserved for a {@code dnnl_memory_desc_t} (696 in oneDNN 2.6) and a {@code dnnl_matmul_desc_t} (2800):
     * opaque structs oneDNN fills and reads through pointers, so reserving more than their size is safe.
     */
    static final long MEMORY_DESC_BYTES = 1024;
    static final long MATMUL_DESC_BYTES = 4096;

    private static final Linker LINKER = Linker.nativeLinker();
    /** OpenMP's environment variable for how idle threads wait (spin or sleep). */
    static final String WAIT_POLICY = "OMP_WAIT_POLICY";

    final MethodHandle engineCreate;
    final MethodHandle streamCreate;
    final MethodHandle streamWait;
    final MethodHandle memoryDescInitByStrides;
    final MethodHandle matmulDescInit;
    final MethodHandle primitiveDescCreate;
    final MethodHandle primitiveDescQuery;
    final MethodHandle primitiveCreate;
    final MethodHandle memoryCreate;
    final MethodHandle memorySetDataHandle;
    final MethodHandle primitiveExecute;
    final MethodHandle version;
    /** {@code omp_set_num_threads} of the OpenMP runtime oneDNN was built with (libgomp in Debian). */
    final MethodHandle ompSetNumThreads;

    private OneDnn(SymbolLookup dnnl, SymbolLookup gomp) {
        engineCreate = bind(dnnl, "dnnl_engine_create", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG);
        streamCreate = bind(dnnl, "dnnl_stream_create", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
        streamWait = bind(dnnl, "dnnl_stream_wait", JAVA_INT, ADDRESS);
        memoryDescInitByStrides = bind(dnnl, "dnnl_memory_desc_init_by_strides", JAVA_INT, ADDRESS, JAVA_INT,
                ADDRESS, JAVA_INT, ADDRESS);
        matmulDescInit = bind(dnnl, "dnnl_matmul_desc_init", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        primitiveDescCreate = bind(dnnl, "dnnl_primitive_desc_create", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS);
        primitiveDescQuery = bind(dnnl, "dnnl_primitive_desc_query", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);
        primitiveCreate = bind(dnnl, "dnnl_primitive_create", JAVA_INT, ADDRESS, ADDRESS);
        memoryCreate = bind(dnnl, "dnnl_memory_create", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        memorySetDataHandle = bind(dnnl, "dnnl_memory_set_data_handle", JAVA_INT, ADDRESS, ADDRESS);
        primitiveExecute = bind(dnnl, "dnnl_primitive_execute", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
        version = LINKER.downcallHandle(dnnl.find("dnnl_version").orElseThrow(), FunctionDescriptor.of(ADDRESS));
        ompSetNumThreads = LINKER.downcallHandle(gomp.find("omp_set_num_threads").orElseThrow(),
                FunctionDescriptor.ofVoid(JAVA_INT));
    }

    /**
     * The library, or empty with the reason when it is not installed or lacks a symbol. Before the OpenMP runtime
     * loads, {@code OMP_WAIT_POLICY=passive} is put into the process environment unless the user set it: between
     * two matrix products the backend's Java workers run the other kernels, and OpenMP threads that spin while
     * waiting for the next product take those cores (measured on 2 cores: up to 2x slower bf16 steps when the
     * machine is busy).
     */
    static Loaded load() {
        Loaded loaded;
        try {
            passiveOpenMpWaits();
            SymbolLookup dnnl = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
            SymbolLookup gomp = SymbolLookup.libraryLookup("libgomp.so.1", Arena.global());
            loaded = new Loaded(Optional.of(new OneDnn(dnnl, gomp)), "");
        } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
            return new Loaded(Optional.empty(), LIBRARY + " (oneDNN 2.x) not usable: " + e.getMessage()
                    + "; install Debian's libdnnl2 for the bf16 GEMM");
        }
        return BF16_ON_THIS_CPU.get(loaded.library().get());
    }

    /** Whether this CPU runs oneDNN's bf16 matmul: asked once per process (the answer is the CPU's). */
    private static final Bf16Check BF16_ON_THIS_CPU = new Bf16Check();

    /**
     * oneDNN 2.x implements its bf16 matmul only with AVX-512 (emulated on AVX512_CORE, native with AVX512_BF16 or
     * AMX): on an AVX2-only CPU (an AMD EPYC before Zen 4, say) creating the primitive returns
     * {@code dnnl_unimplemented}, and every bf16 product failed until 2026-12-07. Asked with a 16 x 16 x 16 product; a
     * CPU without it gets the float32 GEMM's emulation, with the reason said where the backend is described.
     */
    private static final class Bf16Check {
        private Loaded answer;

        synchronized Loaded get(OneDnn dnnl) {
            if (answer == null) {
                int status = dnnl.bf16MatmulStatus();
                answer = status == SUCCESS ? new Loaded(Optional.of(dnnl), "")
                        : new Loaded(Optional.empty(), "oneDNN " + dnnl.versionString() + " has no bf16 matmul on"
                                + " this CPU (dnnl_status_t " + status + (status == UNIMPLEMENTED ? ", unimplemented"
                                : "") + "; oneDNN 2.x needs AVX-512 for bf16)");
            }
            return answer;
        }
    }

    /** {@code dnnl_unimplemented}: no implementation of the primitive for this CPU. */
    static final int UNIMPLEMENTED = 3;

    /**
     * The status of creating a bf16 x bf16 -> float32 matmul primitive descriptor of 16 x 16 x 16 on a CPU engine
     * (the descriptor is kept: once per process, a few hundred bytes).
     */
    private int bf16MatmulStatus() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int status = (int) engineCreate.invokeExact(out, ENGINE_CPU, 0L);
            if (status != SUCCESS) {
                return status;
            }
            MemorySegment engine = out.get(ADDRESS, 0);
            MemorySegment[] descs = new MemorySegment[3];
            for (int i = 0; i < 3; i++) {
                descs[i] = arena.allocate(MEMORY_DESC_BYTES, 16);
                MemorySegment dims = arena.allocate(JAVA_LONG, 2);
                dims.setAtIndex(JAVA_LONG, 0, 16);
                dims.setAtIndex(JAVA_LONG, 1, 16);
                MemorySegment strides = arena.allocate(JAVA_LONG, 2);
                strides.setAtIndex(JAVA_LONG, 0, 16);
                strides.setAtIndex(JAVA_LONG, 1, 1);
                status = (int) memoryDescInitByStrides.invokeExact(descs[i], 2, dims,
                        i == 2 ? DATA_TYPE_F32 : DATA_TYPE_BF16, strides);
                if (status != SUCCESS) {
                    return status;
                }
            }
            MemorySegment op = arena.allocate(MATMUL_DESC_BYTES, 16);
            status = (int) matmulDescInit.invokeExact(op, descs[0], descs[1], MemorySegment.NULL, descs[2]);
            if (status != SUCCESS) {
                return status;
            }
            return (int) primitiveDescCreate.invokeExact(out, op, MemorySegment.NULL, engine, MemorySegment.NULL);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("oneDNN bf16 matmul check failed", t);
        }
    }

    /** What {@link #load()} found: the library, or why not. */
    record Loaded(Optional<OneDnn> library, String reason) {
    }

    /** {@code major.minor.patch} of the loaded library. */
    String versionString() {
        try {
            MemorySegment v = ((MemorySegment) version.invokeExact()).reinterpret(12);
            return v.get(JAVA_INT, 0) + "." + v.get(JAVA_INT, 4) + "." + v.get(JAVA_INT, 8);
        } catch (Throwable t) {
            throw new IllegalStateException("dnnl_version failed", t);
        }
    }

    /**
     * {@code setenv("OMP_WAIT_POLICY", "passive", 0)} through libc; a no-op when already set, and too late (so
     * without effect) when the OpenMP runtime was loaded before.
     */
    private static void passiveOpenMpWaits() {
        MemorySegment setenv = LINKER.defaultLookup().find("setenv").orElse(null);
        if (setenv == null || System.getenv(WAIT_POLICY) != null) {
            return;
        }
        MethodHandle call = LINKER.downcallHandle(setenv, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            int status = (int) call.invokeExact(arena.allocateFrom(WAIT_POLICY), arena.allocateFrom("passive"), 0);
            if (status != 0) {
                throw new IllegalStateException("setenv(" + WAIT_POLICY + ") failed");
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("setenv(" + WAIT_POLICY + ") failed", t);
        }
    }

    /** Fails with the call's name when a oneDNN call did not return {@code dnnl_success}. */
    static void check(int status, String call) {
        if (status != SUCCESS) {
            throw new IllegalStateException("oneDNN " + call + " failed with dnnl_status_t " + status);
        }
    }

    private static MethodHandle bind(SymbolLookup lookup, String name, java.lang.foreign.MemoryLayout result,
                                     java.lang.foreign.MemoryLayout... arguments) {
        MemorySegment symbol = lookup.find(name).orElseThrow(
                () -> new java.util.NoSuchElementException("symbol " + name + " missing"));
        return LINKER.downcallHandle(symbol, FunctionDescriptor.of(result, arguments));
    }
}
