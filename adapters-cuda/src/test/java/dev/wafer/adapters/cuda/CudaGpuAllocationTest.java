package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CudaGpu#allocate} returns zeros, as {@code Gpu} promises, whatever {@code cuMemAlloc} left there: the
 * stand-in driver hands out memory filled with 0xff bytes, as a GPU's allocator may hand out anything.
 */
@HostOnly
class CudaGpuAllocationTest {
    @TempDir
    Path cache;

    @Test
    void everyByteOfAnAllocationIsZeroWhateverTheDriverLeftThere() {
        CudaSimulator simulator = SimulatedDevice.simulator();
        CudaGpu gpu = new SimulatedDriver(simulator).openGpu(NvrtcTestCompiler.require(), cache, false);
        try (Arena arena = Arena.ofConfined()) {
            for (long bytes : new long[] {1, 2, 3, 5, 6, 7, 8, 10, 4098}) {
                long pointer = gpu.allocate(bytes);
                MemorySegment back = arena.allocate(bytes);
                back.fill((byte) 7);
                gpu.download(pointer, back, bytes);
                for (long i = 0; i < bytes; i++) {
                    assertEquals(0, back.get(ValueLayout.JAVA_BYTE, i), "byte " + i + " of an allocation of " + bytes);
                }
                gpu.free(pointer);
            }
        } finally {
            gpu.close();
        }
    }
}
