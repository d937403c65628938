package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The CUDA driver API reached through the Foreign Function &amp; Memory API.
 *
 * <p>The library is looked up in the global arena: once {@code cuInit} has run, the driver owns
 * threads and state that must not be unloaded under it, so it stays loaded for the JVM's life.
 */
final class FfmCudaDriver implements CudaDriver {
    /** The driver's soname; the unversioned {@code libcuda.so} is only present with development packages. */
    static final String LIBRARY = "libcuda.so.1";

    /** Long enough for any device name the driver reports (nvidia-smi uses 96). */
    private static final int NAME_BYTES = 256;

    private final MethodHandle cuInit;
    private final MethodHandle cuDriverGetVersion;
    private final MethodHandle cuDeviceGetCount;
    private final MethodHandle cuDeviceGet;
    private final MethodHandle cuDeviceGetName;
    private final MethodHandle cuDeviceGetAttribute;
    private final MethodHandle cuDevicePrimaryCtxRetain;
    private final MethodHandle cuDevicePrimaryCtxRelease;
    private final MethodHandle cuCtxGetCurrent;
    private final MethodHandle cuCtxSetCurrent;
    private final MethodHandle cuMemGetInfo;

    /** Every function the probe binds with its descriptor, in {@code cuda.h}'s terms (checked by a test). */
    static final Map<String, FunctionDescriptor> FUNCTIONS = Map.ofEntries(
            Map.entry("cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT)),
            Map.entry("cuDriverGetVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
            Map.entry("cuDeviceGetCount", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
            Map.entry("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
            Map.entry("cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT)),
            Map.entry("cuDeviceGetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT)),
            Map.entry("cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
            Map.entry("cuDevicePrimaryCtxRelease_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT)),
            Map.entry("cuCtxGetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
            Map.entry("cuCtxSetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
            Map.entry("cuMemGetInfo_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)));

    private FfmCudaDriver(SymbolLookup library) {
        Linker linker = Linker.nativeLinker();
        cuInit = function(linker, library, "cuInit");
        cuDriverGetVersion = function(linker, library, "cuDriverGetVersion");
        cuDeviceGetCount = function(linker, library, "cuDeviceGetCount");
        cuDeviceGet = function(linker, library, "cuDeviceGet");
        cuDeviceGetName = function(linker, library, "cuDeviceGetName");
        cuDeviceGetAttribute = function(linker, library, "cuDeviceGetAttribute");
        cuDevicePrimaryCtxRetain = function(linker, library, "cuDevicePrimaryCtxRetain");
        cuDevicePrimaryCtxRelease = function(linker, library, "cuDevicePrimaryCtxRelease_v2");
        cuCtxGetCurrent = function(linker, library, "cuCtxGetCurrent");
        cuCtxSetCurrent = function(linker, library, "cuCtxSetCurrent");
        cuMemGetInfo = function(linker, library, "cuMemGetInfo_v2");
    }

    /** Loads {@value #LIBRARY}; throws {@link IllegalArgumentException} when it is not installed. */
    @SuppressWarnings("restricted") // Calling native code is this class's job; the launcher enables native access.
    static CudaDriver load() {
        return load(SymbolLookup.libraryLookup(LIBRARY, Arena.global()));
    }

    /** The probe's calls bound in {@code library}, a driver already opened (a test's stand-in, by its path). */
    static CudaDriver load(SymbolLookup library) {
        return new FfmCudaDriver(library);
    }

    @SuppressWarnings("restricted") // As for load(): a downcall is what this class exists for.
    private static MethodHandle function(Linker linker, SymbolLookup library, String name) {
        FunctionDescriptor type = FUNCTIONS.get(name);
        MemorySegment address = library.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError(LIBRARY + " has no symbol " + name));
        return linker.downcallHandle(address, type);
    }

    @Override
    public void init() throws CudaException {
        check("cuInit", call(cuInit, 0));
    }

    @Override
    public int driverVersion() throws CudaException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment version = arena.allocate(JAVA_INT);
            check("cuDriverGetVersion", call(cuDriverGetVersion, version));
            return version.get(JAVA_INT, 0);
        }
    }

    @Override
    public int deviceCount() throws CudaException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            check("cuDeviceGetCount", call(cuDeviceGetCount, count));
            return count.get(JAVA_INT, 0);
        }
    }

    @Override
    public String deviceName(int ordinal) throws CudaException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment device = arena.allocate(JAVA_INT);
            check("cuDeviceGet", call(cuDeviceGet, device, ordinal));
            MemorySegment name = arena.allocate(NAME_BYTES);
            check("cuDeviceGetName", call(cuDeviceGetName, name, NAME_BYTES, device.get(JAVA_INT, 0)));
            return name.getString(0, StandardCharsets.UTF_8);
        }
    }

    @Override
    public int attribute(int ordinal, int attribute) throws CudaException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            check("cuDeviceGetAttribute", call(cuDeviceGetAttribute, value, attribute, device(arena, ordinal)));
            return value.get(JAVA_INT, 0);
        }
    }

    @Override
    public long[] memoryInfo(int ordinal) throws CudaException {
        try (Arena arena = Arena.ofConfined()) {
            int device = device(arena, ordinal);
            // The thread's own context (an open backend's, or none), put back afterwards: clearing it instead left a
            // backend open on this thread without one, its next call failing with CUDA_ERROR_INVALID_CONTEXT.
            MemorySegment current = arena.allocate(ADDRESS);
            check("cuCtxGetCurrent", call(cuCtxGetCurrent, current));
            MemorySegment previous = current.get(ADDRESS, 0);
            MemorySegment context = arena.allocate(ADDRESS);
            check("cuDevicePrimaryCtxRetain", call(cuDevicePrimaryCtxRetain, context, device));
            long[] memory = null;
            try {
                check("cuCtxSetCurrent", call(cuCtxSetCurrent, context.get(ADDRESS, 0)));
                MemorySegment free = arena.allocate(JAVA_LONG);
                MemorySegment total = arena.allocate(JAVA_LONG);
                check("cuMemGetInfo", call(cuMemGetInfo, free, total));
                memory = new long[] {free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0)};
            } finally {
                int restored = call(cuCtxSetCurrent, previous);
                int released = call(cuDevicePrimaryCtxRelease, device);
                // After a failure above, that failure is the one reported; these are then only best efforts.
                if (memory != null) {
                    check("cuCtxSetCurrent", restored);
                    check("cuDevicePrimaryCtxRelease", released);
                }
            }
            return memory;
        }
    }

    private int device(Arena arena, int ordinal) throws CudaException {
        MemorySegment device = arena.allocate(JAVA_INT);
        check("cuDeviceGet", call(cuDeviceGet, device, ordinal));
        return device.get(JAVA_INT, 0);
    }

    private static void check(String function, int result) throws CudaException {
        if (result != 0) {
            throw new CudaException(function, result);
        }
    }

    private static int call(MethodHandle function, Object... arguments) {
        try {
            return (int) function.invokeWithArguments(arguments);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            // Downcalls declare Throwable but throw nothing checked; keep the cause if one ever does.
            throw new IllegalStateException("native call failed", t);
        }
    }
}
