package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.ports.backend.BackendAvailability;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The cuda probe reads the device's memory inside its primary context ({@link FfmCudaDriver#memoryInfo}) and then
 * leaves the calling thread's current context as it found it. Until 2026-12-07 it set none current afterwards, so a
 * probe on the thread of an open backend left that backend without its context, and its next call failed with
 * {@code CUDA_ERROR_INVALID_CONTEXT} (the backend binds its context again only when the thread changes). Checked on
 * the stand-in {@code libcuda.so.1} ({@link CudaSimulator#standInLibraries()}), which keeps a current context per
 * thread as the driver does and refuses device calls on a thread without one.
 */
@HostOnly
class ProbeContextTest {
    /** The stand-in's memory, which the probe reports. */
    private static final long STAND_IN_BYTES = 8L << 30;
    /** {@code CUDA_ERROR_INVALID_CONTEXT}. */
    private static final int INVALID_CONTEXT = 201;

    /** NVRTC and cuBLAS as found, so that the probe gets to the memory query without loading either. */
    private static final CudaBackendProbe.LibraryVersions LIBRARIES = new CudaBackendProbe.LibraryVersions() {
        @Override
        public String nvrtc(int cudaMajor) {
            return "stand-in";
        }

        @Override
        public String cublas(int cudaMajor) {
            return "stand-in";
        }

        @Override
        public void require(CudaOptions options, int cudaMajor) {
        }
    };

    private static SymbolLookup standInDriver() throws Exception {
        SimulatedDevice.simulator(); // skips (or fails) as the simulator's other suites do
        Path dir = CudaSimulator.standInLibraries();
        return SymbolLookup.libraryLookup(dir.resolve("libcuda.so.1"), Arena.global());
    }

    /** Runs {@code body} on a thread of its own, which starts with no current context whatever ran before. */
    private static void onAFreshThread(ThrowingRunnable body) throws Throwable {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "probe-context-test");
        t.start();
        t.join();
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private interface ThrowingRunnable {
        void run() throws Throwable;
    }

    @Test
    void aProbeOnTheThreadOfAnOpenDeviceLeavesItsContextCurrent() throws Throwable {
        SymbolLookup library = standInDriver();
        onAFreshThread(() -> {
            // What CudaGpu does when it opens: the primary context current on this thread, then device calls.
            DriverApi device = new DriverApi(new NativeLibrary(FfmCudaDriver.LIBRARY, library));
            device.init();
            MemorySegment context = device.retainPrimaryContext(0);
            device.setCurrent(context);
            long before = device.allocate(1024);

            BackendAvailability probe = new CudaBackendProbe(() -> FfmCudaDriver.load(library), LIBRARIES, Map.of())
                    .probe();
            assertTrue(probe.available(), probe.detail() + " (" + probe.remedy() + ")");
            assertEquals(STAND_IN_BYTES, Long.parseLong(probe.properties().get("total_memory_bytes")),
                    "the probe read the memory inside the context");

            MemorySegment current = currentContext(library);
            assertEquals(context.address(), current.address(), "the device's context is current again");
            long after = device.allocate(1024); // CUDA_ERROR_INVALID_CONTEXT when the probe had cleared it
            device.free(after, "");
            device.free(before, "");
            device.releasePrimaryContext(0);
        });
    }

    @Test
    void aProbeOnAThreadWithoutAContextLeavesItWithoutOne() throws Throwable {
        SymbolLookup library = standInDriver();
        onAFreshThread(() -> {
            CudaDriver probe = FfmCudaDriver.load(library);
            probe.init();
            long[] memory = probe.memoryInfo(0);
            assertEquals(STAND_IN_BYTES, memory[1]);
            assertEquals(0, currentContext(library).address(), "no context was current, none is now");
            // The stand-in refuses device calls on such a thread, as the driver does: what the test above relies on.
            DriverApi device = new DriverApi(new NativeLibrary(FfmCudaDriver.LIBRARY, library));
            CudaFailure e = assertThrows(CudaFailure.class, () -> device.allocate(1024));
            assertEquals(INVALID_CONTEXT, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("CUDA_ERROR_INVALID_CONTEXT"), e.getMessage());
        });
    }

    /** {@code cuCtxGetCurrent} on the calling thread, called directly (the probe's own binding is what is tested). */
    @SuppressWarnings("restricted") // a downcall into the stand-in, as the bindings make
    private static MemorySegment currentContext(SymbolLookup library) throws Throwable {
        var get = java.lang.foreign.Linker.nativeLinker().downcallHandle(library.find("cuCtxGetCurrent").orElseThrow(),
                FfmCudaDriver.FUNCTIONS.get("cuCtxGetCurrent"));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(java.lang.foreign.ValueLayout.ADDRESS);
            assertEquals(0, (int) get.invokeExact(out));
            return out.get(java.lang.foreign.ValueLayout.ADDRESS, 0);
        }
    }
}
