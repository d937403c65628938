package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CUDA driver API ({@code libcuda.so.1}, {@code cuda.h}) through FFM: every function the backend uses is bound
 * when the library is opened. Handles ({@code CUcontext}, {@code CUmodule}, {@code CUfunction}, {@code CUstream},
 * {@code CUevent}) are pointers; device pointers ({@code CUdeviceptr}) are {@code long}. Functions that
 * {@code cuda.h} renames by macro are bound under the exported name (e.g. {@code cuMemAlloc_v2}); the default
 * (legacy-stream) variants, not the {@code _ptds}/{@code _ptsz} ones. A non-zero {@code CUresult} becomes a
 * {@link CudaFailure} with the driver's error name.
 */
@SuppressWarnings("restricted") // Reading the C string cuGetErrorName returns needs a target layout.
final class DriverApi {
    static final List<String> SONAMES = List.of(FfmCudaDriver.LIBRARY);
    static final String REMEDY = "Install an NVIDIA driver that supports CUDA 11.2 or later (nvidia-smi shows the version)";

    /** {@code CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT}. */
    static final int MULTIPROCESSOR_COUNT = 16;
    /** {@code CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR}. */
    static final int COMPUTE_CAPABILITY_MAJOR = 75;
    /** {@code CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR}. */
    static final int COMPUTE_CAPABILITY_MINOR = 76;
    /** {@code CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK}: the largest block this kernel can launch with on this device. */
    static final int FUNC_MAX_THREADS_PER_BLOCK = 0;
    /** {@code CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES}: local memory a thread (register spills, stack arrays). */
    static final int FUNC_LOCAL_SIZE_BYTES = 3;
    /** {@code CU_FUNC_ATTRIBUTE_NUM_REGS}: registers a thread. */
    static final int FUNC_NUM_REGS = 4;
    /** {@code CUDA_ERROR_OUT_OF_MEMORY}: a {@link CudaFailure} the command line reports as the device's memory. */
    static final int CUDA_ERROR_OUT_OF_MEMORY = 2;

    /** Every bound function with its descriptor, in {@code cuda.h}'s terms (checked against the header by a test). */
    static final Map<String, FunctionDescriptor> FUNCTIONS = functions();

    private static final AddressLayout STRING_POINTER = ADDRESS.withTargetLayout(
            java.lang.foreign.MemoryLayout.sequenceLayout(Long.MAX_VALUE, java.lang.foreign.ValueLayout.JAVA_BYTE));

    private final MethodHandle cuInit;
    private final MethodHandle cuDeviceGetCount;
    private final MethodHandle cuDriverGetVersion;
    private final MethodHandle cuDeviceGet;
    private final MethodHandle cuDeviceGetName;
    private final MethodHandle cuDeviceGetAttribute;
    private final MethodHandle cuDevicePrimaryCtxRetain;
    private final MethodHandle cuDevicePrimaryCtxRelease;
    private final MethodHandle cuCtxSetCurrent;
    private final MethodHandle cuCtxSynchronize;
    private final MethodHandle cuMemAlloc;
    private final MethodHandle cuMemFree;
    private final MethodHandle cuMemcpyHtoDAsync;
    private final MethodHandle cuMemcpyDtoHAsync;
    private final MethodHandle cuMemcpyDtoDAsync;
    private final MethodHandle cuMemsetD32Async;
    private final MethodHandle cuModuleLoadData;
    private final MethodHandle cuModuleUnload;
    private final MethodHandle cuModuleGetFunction;
    private final MethodHandle cuFuncGetAttribute;
    private final MethodHandle cuLaunchKernel;
    private final MethodHandle cuStreamCreate;
    private final MethodHandle cuStreamDestroy;
    private final MethodHandle cuStreamSynchronize;
    private final MethodHandle cuEventCreate;
    private final MethodHandle cuEventRecord;
    private final MethodHandle cuEventSynchronize;
    private final MethodHandle cuEventDestroy;
    private final MethodHandle cuGetErrorName;

    DriverApi(NativeLibrary library) {
        Map<String, MethodHandle> h = library.bindAll(FUNCTIONS, REMEDY);
        cuInit = h.get("cuInit");
        cuDeviceGetCount = h.get("cuDeviceGetCount");
        cuDriverGetVersion = h.get("cuDriverGetVersion");
        cuDeviceGet = h.get("cuDeviceGet");
        cuDeviceGetName = h.get("cuDeviceGetName");
        cuDeviceGetAttribute = h.get("cuDeviceGetAttribute");
        cuDevicePrimaryCtxRetain = h.get("cuDevicePrimaryCtxRetain");
        cuDevicePrimaryCtxRelease = h.get("cuDevicePrimaryCtxRelease_v2");
        cuCtxSetCurrent = h.get("cuCtxSetCurrent");
        cuCtxSynchronize = h.get("cuCtxSynchronize");
        cuMemAlloc = h.get("cuMemAlloc_v2");
        cuMemFree = h.get("cuMemFree_v2");
        cuMemcpyHtoDAsync = h.get("cuMemcpyHtoDAsync_v2");
        cuMemcpyDtoHAsync = h.get("cuMemcpyDtoHAsync_v2");
        cuMemcpyDtoDAsync = h.get("cuMemcpyDtoDAsync_v2");
        cuMemsetD32Async = h.get("cuMemsetD32Async");
        cuModuleLoadData = h.get("cuModuleLoadData");
        cuModuleUnload = h.get("cuModuleUnload");
        cuModuleGetFunction = h.get("cuModuleGetFunction");
        cuFuncGetAttribute = h.get("cuFuncGetAttribute");
        cuLaunchKernel = h.get("cuLaunchKernel");
        cuStreamCreate = h.get("cuStreamCreate");
        cuStreamDestroy = h.get("cuStreamDestroy_v2");
        cuStreamSynchronize = h.get("cuStreamSynchronize");
        cuEventCreate = h.get("cuEventCreate");
        cuEventRecord = h.get("cuEventRecord");
        cuEventSynchronize = h.get("cuEventSynchronize");
        cuEventDestroy = h.get("cuEventDestroy_v2");
        cuGetErrorName = h.get("cuGetErrorName");
    }

    private static Map<String, FunctionDescriptor> functions() {
        Map<String, FunctionDescriptor> f = new LinkedHashMap<>();
        f.put("cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        f.put("cuDeviceGetCount", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cuDriverGetVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        f.put("cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        f.put("cuDeviceGetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        f.put("cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        f.put("cuDevicePrimaryCtxRelease_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        f.put("cuCtxSetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cuCtxSynchronize", FunctionDescriptor.of(JAVA_INT));
        f.put("cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        f.put("cuMemFree_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        f.put("cuMemcpyHtoDAsync_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));
        f.put("cuMemcpyDtoHAsync_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        f.put("cuMemcpyDtoDAsync_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));
        f.put("cuMemsetD32Async", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS));
        f.put("cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        f.put("cuModuleUnload", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        f.put("cuFuncGetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        f.put("cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        f.put("cuStreamCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        f.put("cuStreamDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cuStreamSynchronize", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cuEventCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        f.put("cuEventRecord", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        f.put("cuEventSynchronize", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cuEventDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        return java.util.Collections.unmodifiableMap(f);
    }

    void init() {
        check("cuInit", NativeLibrary.status(cuInit, 0), "");
    }

    /** The newest CUDA version the driver supports, e.g. 13000 for 13.0 (needs no {@link #init}). */
    int driverVersion() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment version = arena.allocate(JAVA_INT);
            check("cuDriverGetVersion", NativeLibrary.status(cuDriverGetVersion, version), "");
            return version.get(JAVA_INT, 0);
        }
    }

    int deviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            check("cuDeviceGetCount", NativeLibrary.status(cuDeviceGetCount, count), "");
            return count.get(JAVA_INT, 0);
        }
    }

    int device(int ordinal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment device = arena.allocate(JAVA_INT);
            check("cuDeviceGet", NativeLibrary.status(cuDeviceGet, device, ordinal), "");
            return device.get(JAVA_INT, 0);
        }
    }

    String deviceName(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(256);
            check("cuDeviceGetName", NativeLibrary.status(cuDeviceGetName, name, 256, device), "");
            return name.getString(0, StandardCharsets.UTF_8);
        }
    }

    int attribute(int attribute, int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            check("cuDeviceGetAttribute", NativeLibrary.status(cuDeviceGetAttribute, value, attribute, device), "");
            return value.get(JAVA_INT, 0);
        }
    }

    MemorySegment retainPrimaryContext(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment context = arena.allocate(ADDRESS);
            check("cuDevicePrimaryCtxRetain", NativeLibrary.status(cuDevicePrimaryCtxRetain, context, device), "");
            return context.get(ADDRESS, 0);
        }
    }

    void releasePrimaryContext(int device) {
        check("cuDevicePrimaryCtxRelease", NativeLibrary.status(cuDevicePrimaryCtxRelease, device), "");
    }

    void setCurrent(MemorySegment context) {
        check("cuCtxSetCurrent", NativeLibrary.status(cuCtxSetCurrent, context), "");
    }

    void synchronizeContext(String after) {
        check("cuCtxSynchronize", NativeLibrary.status(cuCtxSynchronize), after);
    }

    long allocate(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pointer = arena.allocate(JAVA_LONG);
            check("cuMemAlloc (" + bytes + " bytes)", NativeLibrary.status(cuMemAlloc, pointer, bytes), "");
            return pointer.get(JAVA_LONG, 0);
        }
    }

    void free(long pointer, String after) {
        check("cuMemFree", NativeLibrary.status(cuMemFree, pointer), after);
    }

    void copyHostToDevice(long dst, MemorySegment src, long bytes, MemorySegment stream, String after) {
        check("cuMemcpyHtoDAsync", NativeLibrary.status(cuMemcpyHtoDAsync, dst, src, bytes, stream), after);
    }

    void copyDeviceToHost(MemorySegment dst, long src, long bytes, MemorySegment stream, String after) {
        check("cuMemcpyDtoHAsync", NativeLibrary.status(cuMemcpyDtoHAsync, dst, src, bytes, stream), after);
    }

    void copyDeviceToDevice(long dst, long src, long bytes, MemorySegment stream, String after) {
        check("cuMemcpyDtoDAsync", NativeLibrary.status(cuMemcpyDtoDAsync, dst, src, bytes, stream), after);
    }

    void fill32(long dst, int bits, long count, MemorySegment stream, String after) {
        check("cuMemsetD32Async", NativeLibrary.status(cuMemsetD32Async, dst, bits, count, stream), after);
    }

    /** Loads a NUL-terminated PTX image; the driver compiles it for the device. */
    MemorySegment loadModule(MemorySegment image, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment module = arena.allocate(ADDRESS);
            check("cuModuleLoadData (" + what + ")", NativeLibrary.status(cuModuleLoadData, module, image), "");
            return module.get(ADDRESS, 0);
        }
    }

    /** {@code cuFuncGetAttribute}, e.g. {@link #FUNC_NUM_REGS} of a loaded kernel. */
    int functionAttribute(int attribute, MemorySegment function, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            check("cuFuncGetAttribute (" + name + ", attribute " + attribute + ")",
                    NativeLibrary.status(cuFuncGetAttribute, value, attribute, function), "");
            return value.get(JAVA_INT, 0);
        }
    }

    void unloadModule(MemorySegment module) {
        check("cuModuleUnload", NativeLibrary.status(cuModuleUnload, module), "");
    }

    MemorySegment function(MemorySegment module, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment function = arena.allocate(ADDRESS);
            check("cuModuleGetFunction (" + name + ")",
                    NativeLibrary.status(cuModuleGetFunction, function, module, arena.allocateFrom(name)), "");
            return function.get(ADDRESS, 0);
        }
    }

    void launch(MemorySegment function, String kernel, LaunchGeometry g, MemorySegment stream,
                MemorySegment parameters) {
        int result;
        try {
            // invokeExact: no boxing or argument array, which matters at thousands of launches a step.
            result = (int) cuLaunchKernel.invokeExact(function, g.gridX(), g.gridY(), 1, g.blockX(), g.blockY(), 1,
                    g.sharedBytes(), stream, parameters, MemorySegment.NULL);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native call failed", t);
        }
        check("cuLaunchKernel (kernel " + kernel + ", " + g + ")", result, "");
    }

    MemorySegment createStream() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stream = arena.allocate(ADDRESS);
            // CU_STREAM_DEFAULT (0): the stream synchronises with the legacy default stream, as cuBLAS expects.
            check("cuStreamCreate", NativeLibrary.status(cuStreamCreate, stream, 0), "");
            return stream.get(ADDRESS, 0);
        }
    }

    void destroyStream(MemorySegment stream) {
        check("cuStreamDestroy", NativeLibrary.status(cuStreamDestroy, stream), "");
    }

    void synchronize(MemorySegment stream, String after) {
        check("cuStreamSynchronize", NativeLibrary.status(cuStreamSynchronize, stream), after);
    }

    MemorySegment createEvent() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment event = arena.allocate(ADDRESS);
            // CU_EVENT_DISABLE_TIMING (2): a pure ordering point, the cheapest kind.
            check("cuEventCreate", NativeLibrary.status(cuEventCreate, event, 2), "");
            return event.get(ADDRESS, 0);
        }
    }

    void record(MemorySegment event, MemorySegment stream, String after) {
        check("cuEventRecord", NativeLibrary.status(cuEventRecord, event, stream), after);
    }

    void synchronizeEvent(MemorySegment event, String after) {
        check("cuEventSynchronize", NativeLibrary.status(cuEventSynchronize, event), after);
    }

    void destroyEvent(MemorySegment event) {
        check("cuEventDestroy", NativeLibrary.status(cuEventDestroy, event), "");
    }

    /** The driver's name for {@code code}, e.g. {@code CUDA_ERROR_ILLEGAL_ADDRESS}, or the built-in description. */
    String errorName(int code) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(ADDRESS);
            if (NativeLibrary.status(cuGetErrorName, code, name) == 0) {
                MemorySegment text = name.get(STRING_POINTER, 0);
                if (!text.equals(MemorySegment.NULL)) {
                    return text.getString(0, StandardCharsets.UTF_8);
                }
            }
        }
        return CudaErrors.describe(code);
    }

    /**
     * @param after for calls that report earlier asynchronous work, the kernel launched last, else empty
     */
    private void check(String call, int result, String after) {
        if (result != 0) {
            String context = after.isEmpty() ? "" : " (the last kernel launched before it: " + after + ")";
            throw new CudaFailure(call + " failed: " + errorName(result) + " (" + result + ")" + context, result,
                    result == CUDA_ERROR_OUT_OF_MEMORY);
        }
    }
}
