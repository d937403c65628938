package dev.wafer.adapters.cpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * A GEMM with bfloat16 operands and float32 accumulation on oneDNN's matmul primitive (AVX512_BF16 where the CPU has
 * it). {@link #gemm(boolean, boolean, int, int, int, MemorySegment, MemorySegment, float[], int, int, boolean)} takes
 * operands already rounded to bf16 ({@link Bf16Buffer}), so a caller that uses one operand in two products rounds
 * it once; the float32 {@link Sgemm} entry rounds both operands (nearest even, as {@link Rounding}) into its own
 * buffers first. The product lands in a float32 native buffer of at most {@link #PRODUCT_BLOCK_FLOATS} floats and
 * is copied (or added) into C, block of rows by block of rows. One primitive per shape and transposition, created at
 * first use. Rounding and the copy are split over the backend's workers; oneDNN
 * runs on as many OpenMP threads. Not thread-safe: the CPU backend calls its kernels from one thread.
 */
final class OneDnnBf16Gemm implements Sgemm {
    private static final MemorySegment NULL = MemorySegment.NULL;

    private final OneDnn dnnl;
    private final int threads;
    private final Bf16Pack packer;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment engine;
    private final MemorySegment stream;
    private final MemorySegment execArgs;
    private final Map<Key, Primitive> primitives = new HashMap<>();
    private final Bf16Buffer a16 = new Bf16Buffer();
    private final Bf16Buffer b16 = new Bf16Buffer();
    private Arena productArena = Arena.ofShared();
    private MemorySegment c32 = NULL;
    private String implementation = "";

    /**
     * Most floats of float32 product one oneDNN call writes (32 MB): larger products run in blocks of rows.
     */
    static final long PRODUCT_BLOCK_FLOATS = 8L << 20;

    private record Key(boolean transA, boolean transB, int m, int n, int k, int aStride) {
    }

    /** One matmul primitive and its three memory objects (their data handles are set before every execution). */
    private record Primitive(MemorySegment primitive, MemorySegment a, MemorySegment b, MemorySegment c) {
    }

    /**
     * @param parallel   the backend's workers: rounding and copies are split over them, oneDNN gets as many threads
     * @param vectorized round and add with the Vector API (same bits as the scalar loops)
     */
    OneDnnBf16Gemm(OneDnn dnnl, Parallel parallel, boolean vectorized) {
        this.dnnl = dnnl;
        this.threads = parallel.workers();
        this.packer = new Bf16Pack(parallel, vectorized);
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

    /** The rounding this GEMM uses, for callers that pack operands into their own {@link Bf16Buffer}s. */
    Bf16Pack packer() {
        return packer;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        // Operands are packed tight in their stored orientation; the memory descriptors' strides say which.
        MemorySegment a16s = a16.pack(packer, a, aOff, lda, transA ? k : m, transA ? m : k);
        MemorySegment b16s = b16.pack(packer, b, bOff, ldb, transB ? n : k, transB ? k : n);
        gemm(transA, transB, m, n, k, a16s, b16s, c, cOff, ldc, accumulate);
    }

    /**
     * {@code C(m,n) (+)= op(A)(m,k) · op(B)(k,n)} on bf16 operands stored tight in their stored orientation:
     * {@code a16} holds {@code m x k} values ({@code k x m} when {@code transA}), {@code b16} {@code k x n}
     * ({@code n x k} when {@code transB}).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, MemorySegment a16s, MemorySegment b16s,
              float[] c, int cOff, int ldc, boolean accumulate) {
        gemm(transA, transB, m, n, k, a16s, b16s, c, cOff, ldc, accumulate, null, 0);
    }

    /**
     * {@code C(m,n) = op(A)·op(B) + bias} (the bias's {@code n} values from {@code biasOff}, added to every row), the
     * bias added as the product is copied out: the float32 sum of adding the product to a broadcast bias.
     */
    void gemmPlusBias(boolean transA, boolean transB, int m, int n, int k, MemorySegment a16s, MemorySegment b16s,
                      float[] c, int cOff, int ldc, float[] bias, int biasOff) {
        gemm(transA, transB, m, n, k, a16s, b16s, c, cOff, ldc, false, bias, biasOff);
    }

    private void gemm(boolean transA, boolean transB, int m, int n, int k, MemorySegment a16s, MemorySegment b16s,
                      float[] c, int cOff, int ldc, boolean accumulate, float[] bias, int biasOff) {
        if (m == 0 || n == 0) {
            return;
        }
        // oneDNN writes a native float32 product that is then copied into the Java array: run it in blocks of rows
        // so that buffer stays small (the tied LM head's 2048 x 50,257 logits would need 411 MB in one piece).
        int rows = rowsPerBlock(m, n);
        ensureProduct(4L * rows * n);
        for (int r0 = 0; r0 < m; r0 += rows) {
            int mr = Math.min(rows, m - r0);
            // Rows r0.. of op(A): rows of the stored A, or its columns when transposed (same row stride).
            MemorySegment a = a16s.asSlice(transA ? 2L * r0 : 2L * r0 * k);
            execute(primitive(transA, transB, mr, n, k, transA ? m : k), a, b16s);
            if (bias != null) {
                packer.fromF32PlusBias(c32, mr, n, c, cOff + r0 * ldc, ldc, bias, biasOff);
            } else {
                packer.fromF32(c32, mr, n, c, cOff + r0 * ldc, ldc, accumulate);
            }
        }
    }

    /**
     * Only oneDNN's product {@code op(A)·op(B)} of at most {@link #PRODUCT_BLOCK_FLOATS} floats into the native
     * product buffer, nothing copied out: what {@code wafer bench} times as the machine's bf16 GEMM peak.
     */
    void productOnly(boolean transA, boolean transB, int m, int n, int k, MemorySegment a16s, MemorySegment b16s) {
        if ((long) m * n > PRODUCT_BLOCK_FLOATS) {
            throw new IllegalArgumentException("product of " + m + " x " + n + " exceeds the block of "
                    + PRODUCT_BLOCK_FLOATS + " floats");
        }
        ensureProduct(4L * m * n);
        execute(primitive(transA, transB, m, n, k, transA ? m : k), a16s, b16s);
    }

    private void ensureProduct(long bytes) {
        if (c32.byteSize() < bytes) {
            productArena.close();
            productArena = Arena.ofShared();
            c32 = productArena.allocate(bytes, 64);
        }
    }

    /**
     * Rows of C per oneDNN call: all of them up to {@link #PRODUCT_BLOCK_FLOATS} floats of product, else a multiple
     * of 64 rows (whole register blocks) that fits it.
     */
    static int rowsPerBlock(int m, int n) {
        return rowsPerBlock(m, n, PRODUCT_BLOCK_FLOATS);
    }

    /** Rows of an {@code m x n} matrix per block of at most {@code block} values, as {@link #rowsPerBlock(int, int)}. */
    static int rowsPerBlock(int m, int n, long block) {
        if ((long) m * n <= block) {
            return m;
        }
        int rows = (int) (block / n);
        return rows >= 64 ? rows & ~63 : Math.max(1, rows);
    }

    private void execute(Primitive p, MemorySegment a16s, MemorySegment b16s) {
        try {
            OneDnn.check((int) dnnl.memorySetDataHandle.invokeExact(p.a(), a16s), "dnnl_memory_set_data_handle");
            OneDnn.check((int) dnnl.memorySetDataHandle.invokeExact(p.b(), b16s), "dnnl_memory_set_data_handle");
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
    }

    @Override
    public String describe() {
        return "oneDNN " + dnnl.versionString() + " bf16 matmul" + (implementation.isEmpty() ? ""
                : " (" + implementation + ")");
    }

    /** A primitive per shape, transposition and row stride of the stored A ({@code aStride}). */
    private Primitive primitive(boolean transA, boolean transB, int m, int n, int k, int aStride) {
        Key key = new Key(transA, transB, m, n, k, aStride);
        Primitive p = primitives.get(key);
        if (p != null) {
            return p;
        }
        try {
            MemorySegment aDesc = desc(m, k, transA ? 1 : aStride, transA ? aStride : 1, OneDnn.DATA_TYPE_BF16);
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
