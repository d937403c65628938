package dev.wafer.adapters.cpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * A GEMM with bfloat16 operands and float32 accumulation on oneDNN's matmul primitive (AVX512_BF16 where the CPU has
 * it): operands are rounded to bf16 (nearest even, as {@link Rounding}) into native buffers, the product lands in a
 * float32 native buffer and is copied (or added) into C. One primitive per shape and transposition, created at first
 * use; the native buffers grow to the largest product seen and are shared by all shapes. Not thread-safe: the CPU
 * backend calls its kernels from one thread.
 */
final class OneDnnBf16Gemm implements Sgemm {
    private static final MemorySegment NULL = MemorySegment.NULL;

    private final OneDnn dnnl;
    private final int threads;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment engine;
    private final MemorySegment stream;
    private final MemorySegment execArgs;
    private final Map<Long, Primitive> primitives = new HashMap<>();
    private Arena scratchArena = Arena.ofShared();
    private MemorySegment a16 = NULL;
    private MemorySegment b16 = NULL;
    private MemorySegment c32 = NULL;
    private String implementation = "";

    /** One matmul primitive and its three memory objects (their data handles point at the shared buffers). */
    private record Primitive(MemorySegment primitive, MemorySegment a, MemorySegment b, MemorySegment c) {
    }

    OneDnnBf16Gemm(OneDnn dnnl, int threads) {
        this.dnnl = dnnl;
        this.threads = threads;
        try {
            MemorySegment out = arena.allocate(ADDRESS);
            OneDnn.check((int) dnnl.engineCreate.invokeExact(out, OneDnn.ENGINE_CPU, 0L), "dnnl_engine_create");
            engine = out.get(ADDRESS, 0);
            OneDnn.check((int) dnnl.streamCreate.invokeExact(out, engine, OneDnn.STREAM_DEFAULT_FLAGS),
                    "dnnl_stream_create");
            stream = out.get(ADDRESS, 0);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("oneDNN initialisation failed", t);
        }
        execArgs = arena.allocate(3 * 16L, 8);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        ensureScratch((long) m * k * 2, (long) k * n * 2, (long) m * n * 4);
        // Operands are packed tight in their stored orientation; the memory descriptors' strides say which.
        toBf16(a, aOff, lda, transA ? k : m, transA ? m : k, a16);
        toBf16(b, bOff, ldb, transB ? n : k, transB ? k : n, b16);
        Primitive p = primitive(transA, transB, m, n, k);
        try {
            OneDnn.check((int) dnnl.memorySetDataHandle.invokeExact(p.a(), a16), "dnnl_memory_set_data_handle");
            OneDnn.check((int) dnnl.memorySetDataHandle.invokeExact(p.b(), b16), "dnnl_memory_set_data_handle");
            OneDnn.check((int) dnnl.memorySetDataHandle.invokeExact(p.c(), c32), "dnnl_memory_set_data_handle");
            execArgs.set(JAVA_INT, 0, OneDnn.ARG_SRC);
            execArgs.set(ADDRESS, 8, p.a());
            execArgs.set(JAVA_INT, 16, OneDnn.ARG_WEIGHTS);
            execArgs.set(ADDRESS, 24, p.b());
            execArgs.set(JAVA_INT, 32, OneDnn.ARG_DST);
            execArgs.set(ADDRESS, 40, p.c());
            dnnl.ompSetNumThreads.invokeExact(threads);
            OneDnn.check((int) dnnl.primitiveExecute.invokeExact(p.primitive(), stream, 3, execArgs),
                    "dnnl_primitive_execute");
            OneDnn.check((int) dnnl.streamWait.invokeExact(stream), "dnnl_stream_wait");
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("oneDNN matmul failed", t);
        }
        for (int i = 0; i < m; i++) {
            long row = (long) i * n * 4;
            int ci = cOff + i * ldc;
            if (accumulate) {
                for (int j = 0; j < n; j++) {
                    c[ci + j] += c32.get(JAVA_FLOAT, row + 4L * j);
                }
            } else {
                MemorySegment.copy(c32, JAVA_FLOAT, row, c, ci, n);
            }
        }
    }

    @Override
    public String describe() {
        return "oneDNN " + dnnl.versionString() + " bf16 matmul" + (implementation.isEmpty() ? ""
                : " (" + implementation + ")");
    }

    /** Rounds {@code rows x cols} values (row stride {@code ld}) to bf16 into {@code dst}, tightly packed. */
    private static void toBf16(float[] src, int off, int ld, int rows, int cols, MemorySegment dst) {
        long o = 0;
        for (int r = 0; r < rows; r++) {
            int s = off + r * ld;
            for (int j = 0; j < cols; j++, o += 2) {
                int bits = Float.floatToRawIntBits(src[s + j]);
                int rounded = (bits & 0x7FFFFFFF) > 0x7F800000 ? (bits >>> 16) | 0x40   // NaN stays a quiet NaN
                        : (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;
                dst.set(JAVA_SHORT, o, (short) rounded);
            }
        }
    }

    private void ensureScratch(long aBytes, long bBytes, long cBytes) {
        if (a16.byteSize() >= aBytes && b16.byteSize() >= bBytes && c32.byteSize() >= cBytes) {
            return;
        }
        // Grow all three together, once per new largest shape; the old buffers are freed with their arena.
        long na = Math.max(aBytes, a16.byteSize());
        long nb = Math.max(bBytes, b16.byteSize());
        long nc = Math.max(cBytes, c32.byteSize());
        scratchArena.close();
        scratchArena = Arena.ofShared();
        a16 = scratchArena.allocate(na, 64);
        b16 = scratchArena.allocate(nb, 64);
        c32 = scratchArena.allocate(nc, 64);
    }

    private Primitive primitive(boolean transA, boolean transB, int m, int n, int k) {
        long key = ((long) m << 42) ^ ((long) n << 21) ^ k ^ (transA ? 1L << 62 : 0) ^ (transB ? 1L << 63 : 0);
        Primitive p = primitives.get(key);
        if (p != null) {
            return p;
        }
        try {
            MemorySegment aDesc = desc(m, k, transA ? 1 : k, transA ? m : 1, OneDnn.DATA_TYPE_BF16);
            MemorySegment bDesc = desc(k, n, transB ? 1 : n, transB ? k : 1, OneDnn.DATA_TYPE_BF16);
            MemorySegment cDesc = desc(m, n, n, 1, OneDnn.DATA_TYPE_F32);
            MemorySegment op = arena.allocate(OneDnn.MATMUL_DESC_BYTES, 16);
            OneDnn.check((int) dnnl.matmulDescInit.invokeExact(op, aDesc, bDesc, NULL, cDesc),
                    "dnnl_matmul_desc_init");
            MemorySegment out = arena.allocate(ADDRESS);
            OneDnn.check((int) dnnl.primitiveDescCreate.invokeExact(out, op, NULL, engine, NULL),
                    "dnnl_primitive_desc_create");
            MemorySegment pd = out.get(ADDRESS, 0);
            OneDnn.check((int) dnnl.primitiveDescQuery.invokeExact(pd, OneDnn.QUERY_IMPL_INFO_STR, 0, out),
                    "dnnl_primitive_desc_query");
            implementation = out.get(ADDRESS, 0).reinterpret(256).getString(0);
            OneDnn.check((int) dnnl.primitiveCreate.invokeExact(out, pd), "dnnl_primitive_create");
            MemorySegment prim = out.get(ADDRESS, 0);
            p = new Primitive(prim, memory(aDesc), memory(bDesc), memory(cDesc));
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("oneDNN matmul primitive creation failed", t);
        }
        primitives.put(key, p);
        return p;
    }

    private MemorySegment desc(int rows, int cols, long rowStride, long colStride, int dataType) throws Throwable {
        MemorySegment md = arena.allocate(OneDnn.MEMORY_DESC_BYTES, 16);
        MemorySegment dims = arena.allocate(JAVA_LONG, 2);
        dims.setAtIndex(JAVA_LONG, 0, rows);
        dims.setAtIndex(JAVA_LONG, 1, cols);
        MemorySegment strides = arena.allocate(JAVA_LONG, 2);
        strides.setAtIndex(JAVA_LONG, 0, rowStride);
        strides.setAtIndex(JAVA_LONG, 1, colStride);
        OneDnn.check((int) dnnl.memoryDescInitByStrides.invokeExact(md, 2, dims, dataType, strides),
                "dnnl_memory_desc_init_by_strides");
        return md;
    }

    private MemorySegment memory(MemorySegment desc) throws Throwable {
        MemorySegment out = arena.allocate(ADDRESS);
        // A placeholder handle: the real buffers are set before every execution.
        OneDnn.check((int) dnnl.memoryCreate.invokeExact(out, desc, engine, NULL), "dnnl_memory_create");
        return out.get(ADDRESS, 0);
    }
}
