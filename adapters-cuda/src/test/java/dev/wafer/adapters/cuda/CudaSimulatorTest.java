package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The simulator itself: it runs the CUDA execution model the kernels rely on (per-thread indices over a 2-D grid,
 * __syncthreads across a block, warp shuffles, static shared memory) and it reports, rather than hides, the kernel
 * faults it can see: a __syncthreads that only part of a block reaches, a shuffle that reads a lane that has returned,
 * a load or store outside the allocation its pointer came from or outside its shared array, and (in descending order)
 * a race between threads. It also counts shared-memory requests by bank, as a GPU serves them.
 */
@HostOnly
class CudaSimulatorTest {
    private static final String SOURCE = """
            extern "C" __global__ void indices(int* out, int n) {
                int g = (blockIdx.y * gridDim.x + blockIdx.x) * blockDim.x * blockDim.y
                        + threadIdx.y * blockDim.x + threadIdx.x;
                if (g < n) {
                    out[g] = (int)(blockIdx.x * 1000000 + blockIdx.y * 10000 + threadIdx.y * 100 + threadIdx.x);
                }
            }

            // Reverses each block's 64 values through shared memory: wrong without the barrier.
            extern "C" __global__ void reverse_block(float* x) {
                __shared__ float tile[64];
                int i = threadIdx.x;
                float* base = x + blockIdx.x * 64;
                tile[i] = base[i];
                __syncthreads();
                base[i] = tile[63 - i];
            }

            // out[w] = sum of lane ids of warp w, by a butterfly of shuffles.
            extern "C" __global__ void warp_sums(float* out) {
                float v = (float)(threadIdx.x % 32);
                for (int o = 16; o > 0; o >>= 1) {
                    v += __shfl_xor_sync(0xffffffffu, v, o);
                }
                if (threadIdx.x % 32 == 0) {
                    out[threadIdx.x / 32] = v;
                }
            }

            // Thread 0 writes what the others read, without a barrier: a race.
            extern "C" __global__ void racy(float* x) {
                if (threadIdx.x == 0) {
                    x[0] = 1.0f;
                } else {
                    x[threadIdx.x] = x[0];
                }
            }

            // The binary16 conversions of the kernels' inline PTX, which the simulator replaces.
            extern "C" __global__ void to_half(unsigned short* out, const float* in, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) {
                    float x = in[i];
                    unsigned short h;
                    asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(x));
                    out[i] = h;
                }
            }

            extern "C" __global__ void from_half(float* out, const unsigned short* in, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) {
                    unsigned short h = in[i];
                    float r;
                    asm("cvt.f32.f16 %0, %1;" : "=f"(r) : "h"(h));
                    out[i] = r;
                }
            }

            // Reads one element past the end of an array of n.
            extern "C" __global__ void past_the_end(float* x, int n) {
                x[threadIdx.x] = x[threadIdx.x + 1];
            }

            extern "C" __global__ void divergent_barrier(float* x) {
                if (threadIdx.x < 16) {
                    __syncthreads();
                }
                x[threadIdx.x] = 1.0f;
            }

            // Shared-memory requests of one warp whose wavefronts are known (32 banks of 4-byte words).
            extern "C" __global__ void bank_patterns(float* x) {
                __shared__ float words[1024];
                __shared__ double wide[32];
                int i = threadIdx.x;
                words[i] = 1.0f; // consecutive words: 1 wavefront
                words[4 * i] = 2.0f; // stride 4: 8 banks, 4 words each: 4 wavefronts
                words[32 * i] = 3.0f; // stride 32: one bank: 32 wavefronts
                wide[i] = 1.0; // 8 bytes each: a half-warp per wavefront: 2, as without conflicts
                if (i < 16) {
                    words[64 + 4 * i] = 4.0f; // half the warp at stride 4: 2 words in each of 8 banks: 2
                }
                __syncthreads();
                x[i] = words[0] + (float) wide[i]; // one word for all: a broadcast, 1; then 2 as above
            }

            // Global-memory requests of one warp whose 32-byte sectors are known (x 256-byte aligned).
            extern "C" __global__ void sector_patterns(float* x) {
                int i = threadIdx.x;
                float a = x[i]; // consecutive: 4 sectors
                float b = x[32 * i]; // a row of 32 apart: 32 sectors for 4 sectors of data
                float c = x[0]; // one value for all: 1
                float d = x[i + 1]; // consecutive, 4 bytes off the sectors: 5
                x[1024 + i] = a + b + c + d; // consecutive: 4
            }

            // Reads one element past a shared array.
            extern "C" __global__ void past_shared(float* x) {
                __shared__ float tile[32];
                tile[threadIdx.x] = 1.0f;
                __syncthreads();
                x[threadIdx.x] = tile[threadIdx.x + 1];
            }

            extern "C" __global__ void shuffle_after_return(float* x) {
                if (threadIdx.x % 32 >= 16) {
                    return;
                }
                x[threadIdx.x] = __shfl_xor_sync(0xffffffffu, 1.0f, 16);
            }
            """;

    private static CudaSimulator simulator;

    @BeforeAll
    static void compile() {
        assumeTrue(!CudaTestDevice.expected(), "a real GPU is under test");
        try {
            simulator = CudaSimulator.compile(Map.of("simulator_test.cu", SOURCE));
        } catch (CudaSimulator.UnavailableException e) {
            if ("1".equals(System.getenv("WAFER_EXPECT_CUDA_SIM"))) {
                throw new AssertionError("WAFER_EXPECT_CUDA_SIM=1 but " + e.getMessage());
            }
            assumeTrue(false, "CUDA simulator tests skipped: " + e.getMessage());
        }
    }

    /** Zeroed memory of {@code count} elements, declared to the simulator as device memory. */
    private static MemorySegment device(Arena arena, java.lang.foreign.ValueLayout layout, long count) {
        MemorySegment segment = arena.allocate(layout, count);
        simulator.register(segment.address(), segment.byteSize());
        registered.add(segment.address());
        return segment;
    }

    private static final java.util.List<Long> registered = new java.util.ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void forgetTheAllocations() {
        registered.forEach(simulator::unregister);
        registered.clear();
    }

    /** {@code void** params} of pointer {@code pointer} and, when {@code n >= 0}, int {@code n}. */
    private static MemorySegment params(Arena arena, MemorySegment pointer, int n) {
        MemorySegment array = arena.allocate(ADDRESS, 2);
        array.setAtIndex(ADDRESS, 0, arena.allocateFrom(JAVA_LONG, pointer.address()));
        array.setAtIndex(ADDRESS, 1, arena.allocateFrom(JAVA_INT, n));
        return array;
    }

    @ParameterizedTest(name = "descending {0}")
    @ValueSource(booleans = {false, true})
    void everyThreadSeesItsOwnIndicesOnATwoDimensionalGrid(boolean descending) {
        try (Arena arena = Arena.ofConfined()) {
            int n = 3 * 2 * 8 * 4 - 5; // the last block's last threads have no element
            MemorySegment out = device(arena, JAVA_INT, 3 * 2 * 8 * 4);
            simulator.launch("indices", new LaunchGeometry(3, 2, 8, 4, 0), params(arena, out, n), descending);
            for (int by = 0; by < 2; by++) {
                for (int bx = 0; bx < 3; bx++) {
                    for (int ty = 0; ty < 4; ty++) {
                        for (int tx = 0; tx < 8; tx++) {
                            int g = (by * 3 + bx) * 32 + ty * 8 + tx;
                            int expected = g < n ? bx * 1000000 + by * 10000 + ty * 100 + tx : 0;
                            assertEquals(expected, out.getAtIndex(JAVA_INT, g), "thread " + g);
                        }
                    }
                }
            }
        }
    }

    @Test
    void syncthreadsOrdersSharedMemoryAcrossTheBlock() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = device(arena, JAVA_FLOAT, 128);
            for (int i = 0; i < 128; i++) {
                x.setAtIndex(JAVA_FLOAT, i, i);
            }
            simulator.launch("reverse_block", new LaunchGeometry(2, 1, 64, 1, 0), params(arena, x, -1), false);
            for (int i = 0; i < 128; i++) {
                assertEquals((i / 64) * 64 + 63 - i % 64, x.getAtIndex(JAVA_FLOAT, i), 0f, "element " + i);
            }
        }
    }

    @Test
    void warpShufflesExchangeLaneValues() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = device(arena, JAVA_FLOAT, 4);
            simulator.launch("warp_sums", new LaunchGeometry(1, 1, 128, 1, 0), params(arena, out, -1), false);
            for (int w = 0; w < 4; w++) {
                assertEquals(31 * 32 / 2f, out.getAtIndex(JAVA_FLOAT, w), 0f, "warp " + w);
            }
        }
    }

    /** Why the contract also runs in descending order: a race gives other values there. */
    @Test
    void theDescendingOrderShowsARaceTheAscendingOneHides() {
        try (Arena arena = Arena.ofConfined()) {
            float[] seen = new float[2];
            for (int order = 0; order < 2; order++) {
                MemorySegment x = device(arena, JAVA_FLOAT, 32);
                simulator.launch("racy", new LaunchGeometry(1, 1, 32, 1, 0), params(arena, x, -1), order == 1);
                seen[order] = x.getAtIndex(JAVA_FLOAT, 1);
            }
            assertEquals(1f, seen[0], "ascending: thread 0 has written before thread 1 reads");
            assertEquals(0f, seen[1], "descending: thread 1 reads before thread 0 writes");
        }
    }

    /**
     * The PTX conversions the simulator substitutes round as the hardware does (nearest, ties to even, subnormals,
     * overflow to infinity): checked against Java's {@code Float.floatToFloat16} on edge values and 200,000 random
     * floats, and every binary16 value back to float exactly.
     */
    @Test
    void binary16ConversionsRoundToNearestEvenLikeTheHardware() {
        long seed = 20261205L;
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        float[] edges = {0f, -0f, 1f, 65504f, 65519.99f, 65520f, 65536f, -65520f, Float.MAX_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 5.9604645e-8f, 2.9802322e-8f, 2.9802326e-8f,
                8.940697e-8f, 6.1035156e-5f, 6.1035153e-5f, 6.097555e-5f, 1.0004883f, 1.0014648f, -3.1415927f,
                Float.MIN_VALUE, 1e-10f};
        int n = edges.length + 200_000;
        float[] values = new float[n];
        System.arraycopy(edges, 0, values, 0, edges.length);
        for (int i = edges.length; i < n; i++) {
            float v = i % 2 == 0 ? Float.intBitsToFloat(random.nextInt()) : (float) random.nextDouble(-70000, 70000)
                    * (float) Math.pow(2, -random.nextInt(30));
            values[i] = Float.isNaN(v) ? 1f : v;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = device(arena, JAVA_FLOAT, n);
            MemorySegment.copy(values, 0, in, JAVA_FLOAT, 0, n);
            MemorySegment half = device(arena, java.lang.foreign.ValueLayout.JAVA_SHORT, n);
            simulator.launch("to_half", LaunchGeometry.linear(n), params(arena, half, in, n), false);
            for (int i = 0; i < n; i++) {
                short expected = Float.floatToFloat16(values[i]);
                short actual = half.getAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT, i);
                int at = i;
                assertEquals(expected, actual, () -> "binary16 of " + values[at] + " (seed " + seed + ")");
            }
            int all = 1 << 16;
            MemorySegment bits = device(arena, java.lang.foreign.ValueLayout.JAVA_SHORT, all);
            for (int h = 0; h < all; h++) {
                bits.setAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT, h, (short) h);
            }
            MemorySegment back = device(arena, JAVA_FLOAT, all);
            simulator.launch("from_half", LaunchGeometry.linear(all), params(arena, back, bits, all), false);
            for (int h = 0; h < all; h++) {
                float expected = Float.float16ToFloat((short) h);
                float actual = back.getAtIndex(JAVA_FLOAT, h);
                int at = h;
                assertTrue(Float.isNaN(expected) ? Float.isNaN(actual)
                                : Float.floatToRawIntBits(expected) == Float.floatToRawIntBits(actual),
                        () -> "float of binary16 0x" + Integer.toHexString(at) + ": " + actual + ", expected "
                                + expected);
            }
        }
    }

    /** {@code void** params} of pointers {@code out} and {@code in} and int {@code n}. */
    private static MemorySegment params(Arena arena, MemorySegment out, MemorySegment in, int n) {
        MemorySegment array = arena.allocate(ADDRESS, 3);
        array.setAtIndex(ADDRESS, 0, arena.allocateFrom(JAVA_LONG, out.address()));
        array.setAtIndex(ADDRESS, 1, arena.allocateFrom(JAVA_LONG, in.address()));
        array.setAtIndex(ADDRESS, 2, arena.allocateFrom(JAVA_INT, n));
        return array;
    }

    @Test
    void aLoadPastTheEndOfItsAllocationIsReported() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = device(arena, JAVA_FLOAT, 32);
            MemorySegment neighbour = device(arena, JAVA_FLOAT, 32); // what an unchecked read might have hit
            AssertionError e = assertThrows(AssertionError.class,
                    () -> simulator.launch("past_the_end", new LaunchGeometry(1, 1, 32, 1, 0), params(arena, x, 32),
                            false));
            assertTrue(e.getMessage().contains("byte offset 128 of an allocation of 128 bytes"), e::getMessage);
            assertEquals(0f, neighbour.getAtIndex(JAVA_FLOAT, 0));
        }
    }

    /** The source line holding {@code text}, as the simulator reports it (1-based). */
    private static int lineOf(String text) {
        int at = SOURCE.indexOf(text);
        assertTrue(at >= 0, text);
        return (int) SOURCE.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    }

    /**
     * Runs {@code kernel} on one warp over {@code x} (1,056 floats, 256-byte aligned as device memory is) with the
     * count on, and checks each line's count in {@code space}: {@code expected} maps a text of the line to its
     * requests, transactions, ideal and worst; no other line may have one.
     */
    private static void assertCounts(String kernel, CudaSimulator.Space space, Map<String, long[]> expected) {
        java.util.List<CudaSimulator.MemoryRequests> counted;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocate(4 * 1056, 256);
            simulator.register(x.address(), x.byteSize());
            registered.add(x.address());
            simulator.resetMemoryRequests();
            simulator.countMemoryRequests(true);
            try {
                simulator.launch(kernel, new LaunchGeometry(1, 1, 32, 1, 0), params(arena, x, -1), false);
            } finally {
                simulator.countMemoryRequests(false);
            }
            counted = simulator.memoryRequests().stream().filter(r -> r.space() == space).toList();
        }
        Map<Integer, CudaSimulator.MemoryRequests> byLine = new java.util.HashMap<>();
        counted.forEach(r -> byLine.put(r.line(), r));
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            CudaSimulator.MemoryRequests r = byLine.get(lineOf(e.getKey()));
            assertTrue(r != null, () -> e.getKey() + ": nothing counted; counted " + counted);
            assertEquals("simulator_test.cu", r.file());
            assertEquals(java.util.List.of(e.getValue()[0], e.getValue()[1], e.getValue()[2], e.getValue()[3]),
                    java.util.List.of(r.requests(), r.transactions(), r.ideal(), (long) r.worst()), e.getKey());
        }
        assertEquals(expected.size(), counted.size(), () -> "one count per line with an access: " + counted);
    }

    @Test
    void sharedMemoryRequestsAreCountedByBank() {
        // line text -> requests, wavefronts, ideal, worst n-way conflict
        assertCounts("bank_patterns", CudaSimulator.Space.SHARED, Map.of(
                "words[i] = 1.0f", new long[] {1, 1, 1, 1},
                "words[4 * i]", new long[] {1, 4, 1, 4},
                "words[32 * i]", new long[] {1, 32, 1, 32},
                "wide[i] = 1.0", new long[] {1, 2, 2, 1},
                "words[64 + 4 * i]", new long[] {1, 2, 1, 2},
                "x[i] = words[0]", new long[] {2, 3, 3, 1}));
    }

    @Test
    void globalMemoryRequestsAreCountedBySector() {
        // line text -> requests, sectors, ideal, worst (sectors of one request)
        assertCounts("sector_patterns", CudaSimulator.Space.GLOBAL, Map.of(
                "float a = x[i]", new long[] {1, 4, 4, 4},
                "x[32 * i]", new long[] {1, 32, 4, 32},
                "float c = x[0]", new long[] {1, 1, 1, 1},
                "x[i + 1]", new long[] {1, 5, 4, 5},
                "x[1024 + i]", new long[] {1, 4, 4, 4}));
    }

    @Test
    void anAccessPastASharedArrayIsReported() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = device(arena, JAVA_FLOAT, 32);
            AssertionError e = assertThrows(AssertionError.class,
                    () -> simulator.launch("past_shared", new LaunchGeometry(1, 1, 32, 1, 0), params(arena, x, -1),
                            false));
            assertTrue(e.getMessage().contains("tile[32]") && e.getMessage().contains("outside the 32 elements"),
                    e::getMessage);
        }
    }

    @Test
    void aBarrierThatPartOfTheBlockSkipsIsReported() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = device(arena, JAVA_FLOAT, 64);
            AssertionError e = assertThrows(AssertionError.class,
                    () -> simulator.launch("divergent_barrier", new LaunchGeometry(1, 1, 64, 1, 0),
                            params(arena, x, -1), false));
            assertTrue(e.getMessage().contains("deadlock") || e.getMessage().contains("__syncthreads"),
                    e::getMessage);
            // The simulator recovers: the next launch runs normally.
            warpShufflesExchangeLaneValues();
        }
    }

    @Test
    void aShuffleFromALaneThatReturnedIsReported() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = device(arena, JAVA_FLOAT, 32);
            AssertionError e = assertThrows(AssertionError.class,
                    () -> simulator.launch("shuffle_after_return", new LaunchGeometry(1, 1, 32, 1, 0),
                            params(arena, x, -1), false));
            assertTrue(e.getMessage().contains("has returned"), e::getMessage);
        }
    }
}
