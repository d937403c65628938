package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator's race check ({@link CudaSimulator#checkRaces}): it fails a launch whose threads touch one element
 * unordered with at least one write, including races that give the right values in both of the simulator's orders
 * (which is why the kernel contract also runs under it: {@link SimulatedCudaRaceCheckContractTest}), and passes
 * kernels whose barriers order every such pair.
 */
@HostOnly
class CudaRaceCheckTest {
    private static final String SOURCE = """
            // Thread 0 and the last thread publish 1 over a 0; a middle thread reads it with no barrier between. In
            // ascending order thread 0 has published, in descending the last thread has: 1 either way; a GPU may
            // read the 0.
            extern "C" __global__ void publish_without_barrier(float* out) {
                __shared__ float flag[1];
                if (threadIdx.x == 0) {
                    flag[0] = 0.0f;
                }
                __syncthreads();
                if (threadIdx.x == 0 || threadIdx.x == blockDim.x - 1) {
                    flag[0] = 1.0f;
                }
                if (threadIdx.x == blockDim.x / 2) {
                    out[0] = flag[0];
                }
            }

            // One publisher and a barrier before the read: no race.
            extern "C" __global__ void publish_with_barrier(float* out) {
                __shared__ float flag[1];
                if (threadIdx.x == 0) {
                    flag[0] = 0.0f;
                }
                __syncthreads();
                if (threadIdx.x == blockDim.x - 1) {
                    flag[0] = 1.0f;
                }
                __syncthreads();
                if (threadIdx.x == blockDim.x / 2) {
                    out[0] = flag[0];
                }
            }

            // Every block adds 1 to out[0]: blocks run one after another here, so the sum is right in any order;
            // on a GPU blocks run at once and updates are lost (atomicAdd's job).
            extern "C" __global__ void blocks_accumulate(float* out) {
                if (threadIdx.x == 0) {
                    out[0] += 1.0f;
                }
            }

            // A tree sum over shared memory with a barrier after every step: no race.
            extern "C" __global__ void block_sum(const float* x, float* out) {
                __shared__ float part[128];
                int i = threadIdx.x;
                part[i] = x[blockIdx.x * 128 + i];
                __syncthreads();
                for (int s = 64; s > 0; s >>= 1) {
                    if (i < s) {
                        part[i] += part[i + s];
                    }
                    __syncthreads();
                }
                if (i == 0) {
                    out[blockIdx.x] = part[0];
                }
            }

            // Lanes exchange values through shared memory with only a shuffle between the store and the load. The
            // simulator's shuffle waits for the whole warp, so the values are right here; a shuffle is no memory
            // barrier on a GPU (__syncwarp is).
            extern "C" __global__ void exchange_across_a_shuffle(float* x) {
                __shared__ float lanes[32];
                int l = threadIdx.x;
                lanes[l] = x[l];
                float v = __shfl_xor_sync(0xffffffffu, 0.0f, 1);
                x[l] = lanes[l ^ 1] + v;
            }
            """;

    private static CudaSimulator simulator;
    private static final List<Long> registered = new ArrayList<>();

    @BeforeAll
    static void compile() {
        assumeTrue(!CudaTestDevice.expected(), "a real GPU is under test");
        try {
            simulator = CudaSimulator.compile(Map.of("race_check_test.cu", SOURCE));
        } catch (CudaSimulator.UnavailableException e) {
            if ("1".equals(System.getenv("WAFER_EXPECT_CUDA_SIM"))) {
                throw new AssertionError("WAFER_EXPECT_CUDA_SIM=1 but " + e.getMessage());
            }
            assumeTrue(false, "CUDA simulator tests skipped: " + e.getMessage());
        }
        simulator.checkRaces(true);
    }

    @AfterAll
    static void stopChecking() {
        if (simulator != null) {
            simulator.checkRaces(false);
        }
    }

    @AfterEach
    void forgetTheAllocations() {
        registered.forEach(simulator::unregister);
        registered.clear();
    }

    private static MemorySegment device(Arena arena, float... values) {
        MemorySegment segment = arena.allocate(JAVA_FLOAT, values.length);
        MemorySegment.copy(values, 0, segment, JAVA_FLOAT, 0, values.length);
        simulator.register(segment.address(), segment.byteSize());
        registered.add(segment.address());
        return segment;
    }

    private static MemorySegment params(Arena arena, MemorySegment... pointers) {
        MemorySegment array = arena.allocate(ADDRESS, pointers.length);
        for (int i = 0; i < pointers.length; i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(JAVA_LONG, pointers[i].address()));
        }
        return array;
    }

    @Test
    void aReadBetweenTheSameBarriersAsAnotherThreadsWriteIsARaceInEitherOrder() {
        try (Arena arena = Arena.ofConfined()) {
            for (boolean descending : new boolean[] {false, true}) {
                MemorySegment out = device(arena, -1f);
                simulator.checkRaces(false);
                simulator.launch("publish_without_barrier", new LaunchGeometry(1, 1, 64, 1, 0), params(arena, out),
                        descending);
                assertEquals(1f, out.getAtIndex(JAVA_FLOAT, 0), "without the check the value is right, descending "
                        + descending);
                simulator.checkRaces(true);
                AssertionError race = assertThrows(AssertionError.class, () -> simulator.launch(
                        "publish_without_barrier", new LaunchGeometry(1, 1, 64, 1, 0), params(arena, out),
                        descending));
                assertTrue(race.getMessage().contains("race (access after write) on shared memory flag[0]")
                        && race.getMessage().contains("between the same two __syncthreads")
                        && race.getMessage().contains("race_check_test.cu:"), race.getMessage());
            }
            MemorySegment published = device(arena, -1f);
            simulator.launch("publish_with_barrier", new LaunchGeometry(1, 1, 64, 1, 0), params(arena, published),
                    false);
            assertEquals(1f, published.getAtIndex(JAVA_FLOAT, 0));
        }
    }

    @Test
    void blocksOfOneLaunchUpdatingOneElementRace() {
        try (Arena arena = Arena.ofConfined()) {
            AssertionError race = assertThrows(AssertionError.class, () -> simulator.launch("blocks_accumulate",
                    new LaunchGeometry(4, 1, 32, 1, 0), params(arena, device(arena, 0f)), false));
            assertTrue(race.getMessage().contains("on global memory at byte 0 of an allocation of 4 bytes")
                    && race.getMessage().contains("in different blocks of one launch"), race.getMessage());
        }
    }

    @Test
    void aShuffleOrdersNoMemory() {
        try (Arena arena = Arena.ofConfined()) {
            float[] values = new float[32];
            for (int i = 0; i < 32; i++) {
                values[i] = i;
            }
            AssertionError race = assertThrows(AssertionError.class, () -> simulator.launch(
                    "exchange_across_a_shuffle", new LaunchGeometry(1, 1, 32, 1, 0),
                    params(arena, device(arena, values)), false));
            assertTrue(race.getMessage().contains("on shared memory lanes["), race.getMessage());
        }
    }

    @Test
    void barriersBetweenEveryWriteAndItsReadersAreNoRace() {
        try (Arena arena = Arena.ofConfined()) {
            float[] x = new float[3 * 128];
            for (int i = 0; i < x.length; i++) {
                x[i] = i % 7;
            }
            MemorySegment out = device(arena, new float[3]);
            simulator.launch("block_sum", new LaunchGeometry(3, 1, 128, 1, 0), params(arena, device(arena, x), out),
                    true);
            for (int b = 0; b < 3; b++) {
                double sum = 0;
                for (int i = 0; i < 128; i++) {
                    sum += x[b * 128 + i];
                }
                assertEquals(sum, out.getAtIndex(JAVA_FLOAT, b), 0, "block " + b);
            }
        }
    }
}
