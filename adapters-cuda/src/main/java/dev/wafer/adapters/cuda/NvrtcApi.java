package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NVRTC, CUDA's runtime compiler ({@code nvrtc.h}), through FFM: CUDA C source in, PTX out. Sonames from CUDA 13
 * down to 11.2 are probed (Debian's {@code libnvrtc11.2} package ships {@code libnvrtc.so.11.2}, NVRTC 11.8).
 * It needs no GPU, so the kernels are compiled on every CI run.
 */
@SuppressWarnings("restricted") // Reading C strings NVRTC returns needs reinterpret.
final class NvrtcApi {
    static final List<String> SONAMES = List.of("libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so");
    /**
     * What to install, and where pip's wheels put it: CUDA 13's have no suffix and share one folder
     * ({@code nvidia/cu13/lib}), CUDA 12's carry {@code -cu12} and a folder each.
     */
    static final String REMEDY = "Install NVRTC from the CUDA toolkit 11.2 or later (Debian: apt-get install"
            + " libnvrtc11.2 from non-free; pip: nvidia-cuda-nvrtc for CUDA 13, which puts it in"
            + " site-packages/nvidia/cu13/lib, or nvidia-cuda-nvrtc-cu12 for CUDA 12, in"
            + " site-packages/nvidia/cuda_nvrtc/lib) and make it visible to ldconfig or LD_LIBRARY_PATH (for a pip"
            + " wheel, that lib folder; ./wafer adds site-packages/nvidia/*/lib itself when the backend is cuda)";

    /** Every bound function with its descriptor, in {@code nvrtc.h}'s terms (checked by a test). */
    static final Map<String, FunctionDescriptor> FUNCTIONS = functions();

    private final String soname;
    private final MethodHandle nvrtcVersion;
    private final MethodHandle nvrtcGetNumSupportedArchs;
    private final MethodHandle nvrtcGetSupportedArchs;
    private final MethodHandle nvrtcCreateProgram;
    private final MethodHandle nvrtcDestroyProgram;
    private final MethodHandle nvrtcCompileProgram;
    private final MethodHandle nvrtcGetPTXSize;
    private final MethodHandle nvrtcGetPTX;
    private final MethodHandle nvrtcGetCUBINSize;
    private final MethodHandle nvrtcGetCUBIN;
    private final MethodHandle nvrtcGetProgramLogSize;
    private final MethodHandle nvrtcGetProgramLog;
    private final MethodHandle nvrtcGetErrorString;

    NvrtcApi(NativeLibrary library) {
        soname = library.soname();
        Map<String, MethodHandle> h = library.bindAll(FUNCTIONS, REMEDY);
        nvrtcVersion = h.get("nvrtcVersion");
        nvrtcGetNumSupportedArchs = h.get("nvrtcGetNumSupportedArchs");
        nvrtcGetSupportedArchs = h.get("nvrtcGetSupportedArchs");
        nvrtcCreateProgram = h.get("nvrtcCreateProgram");
        nvrtcDestroyProgram = h.get("nvrtcDestroyProgram");
        nvrtcCompileProgram = h.get("nvrtcCompileProgram");
        nvrtcGetPTXSize = h.get("nvrtcGetPTXSize");
        nvrtcGetPTX = h.get("nvrtcGetPTX");
        nvrtcGetCUBINSize = h.get("nvrtcGetCUBINSize");
        nvrtcGetCUBIN = h.get("nvrtcGetCUBIN");
        nvrtcGetProgramLogSize = h.get("nvrtcGetProgramLogSize");
        nvrtcGetProgramLog = h.get("nvrtcGetProgramLog");
        nvrtcGetErrorString = h.get("nvrtcGetErrorString");
    }

    /**
     * The NVRTC the backend uses under a driver of CUDA major {@code cudaMajor} ({@link NativeLibrary#preferringMajor};
     * 0: unknown), or empty where none loads (kernels may still come from prebuilt PTX).
     */
    static java.util.Optional<NvrtcApi> find(int cudaMajor) {
        return NativeLibrary.find(NativeLibrary.preferringMajor(SONAMES, cudaMajor)).map(NvrtcApi::new);
    }

    /** Loads NVRTC; throws {@link CudaUnavailableException} with the remedy when absent or too old. */
    static NvrtcApi load() {
        return new NvrtcApi(NativeLibrary.open("NVRTC", SONAMES, REMEDY));
    }

    private static Map<String, FunctionDescriptor> functions() {
        Map<String, FunctionDescriptor> f = new LinkedHashMap<>();
        f.put("nvrtcVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        f.put("nvrtcGetNumSupportedArchs", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("nvrtcGetSupportedArchs", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("nvrtcCreateProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS,
                ADDRESS));
        f.put("nvrtcDestroyProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("nvrtcCompileProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        f.put("nvrtcGetPTXSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        f.put("nvrtcGetPTX", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        f.put("nvrtcGetCUBINSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        f.put("nvrtcGetCUBIN", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        f.put("nvrtcGetProgramLogSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        f.put("nvrtcGetProgramLog", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        f.put("nvrtcGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        return Collections.unmodifiableMap(f);
    }

    /** The soname that loaded. */
    String soname() {
        return soname;
    }

    /** {@code major * 1000 + minor * 10}, as the driver encodes versions (11.8 is 11080). */
    int version() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment major = arena.allocate(JAVA_INT);
            MemorySegment minor = arena.allocate(JAVA_INT);
            check("nvrtcVersion", NativeLibrary.status(nvrtcVersion, major, minor), "");
            return major.get(JAVA_INT, 0) * 1000 + minor.get(JAVA_INT, 0) * 10;
        }
    }

    /** The virtual architectures it can compile for, e.g. 35, 37, 50, ..., 90 for NVRTC 11.8. */
    int[] supportedArchitectures() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            check("nvrtcGetNumSupportedArchs", NativeLibrary.status(nvrtcGetNumSupportedArchs, count), "");
            int n = count.get(JAVA_INT, 0);
            MemorySegment archs = arena.allocate(JAVA_INT, Math.max(n, 1));
            check("nvrtcGetSupportedArchs", NativeLibrary.status(nvrtcGetSupportedArchs, archs), "");
            return archs.asSlice(0, 4L * n).toArray(JAVA_INT);
        }
    }

    /** What a compilation hands back. */
    enum Output {
        /** NUL-terminated PTX text, for a virtual architecture ({@code compute_XY}); the driver compiles it. */
        PTX,
        /** An ELF image for one real architecture ({@code sm_XY}), loaded as it is. */
        CUBIN
    }

    /**
     * Compiles {@code source} into NUL-terminated PTX.
     *
     * @param name    the program's name in messages, e.g. {@code layernorm.cu}
     * @param options e.g. {@code --gpu-architecture=compute_90}
     * @throws CudaFailure with the compiler's log when compilation fails
     */
    byte[] compile(String name, String source, List<String> options) {
        return compile(name, source, options, Output.PTX);
    }

    /**
     * Compiles {@code source} into {@code output}: PTX for {@code --gpu-architecture=compute_XY}, a CUBIN for
     * {@code --gpu-architecture=sm_XY}.
     *
     * @throws CudaFailure with the compiler's log when compilation fails
     */
    byte[] compile(String name, String source, List<String> options, Output output) {
        return compileLogged(name, source, options, output).image();
    }

    /** An image and the compiler's log (empty, or warnings, or with {@code -Xptxas=-v} each kernel's resources). */
    record Compilation(byte[] image, String log) {
    }

    /**
     * {@link #compile(String, String, List, Output)}, keeping the compiler's log of a successful compilation too.
     *
     * @throws CudaFailure with the compiler's log when compilation fails
     */
    Compilation compileLogged(String name, String source, List<String> options, Output output) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment programOut = arena.allocate(ADDRESS);
            check("nvrtcCreateProgram", NativeLibrary.status(nvrtcCreateProgram, programOut,
                    arena.allocateFrom(source), arena.allocateFrom(name), 0, MemorySegment.NULL, MemorySegment.NULL),
                    name);
            MemorySegment program = programOut.get(ADDRESS, 0);
            try {
                MemorySegment optionArray = arena.allocate(ADDRESS, Math.max(options.size(), 1));
                for (int i = 0; i < options.size(); i++) {
                    optionArray.setAtIndex(ADDRESS, i, arena.allocateFrom(options.get(i)));
                }
                int result = NativeLibrary.status(nvrtcCompileProgram, program, options.size(), optionArray);
                if (result != 0) {
                    throw new CudaFailure("NVRTC could not compile " + name + " (" + String.join(" ", options) + "): "
                            + errorString(result) + "\n" + log(arena, program), result);
                }
                MemorySegment size = arena.allocate(JAVA_LONG);
                boolean ptx = output == Output.PTX;
                check(ptx ? "nvrtcGetPTXSize" : "nvrtcGetCUBINSize", NativeLibrary.status(
                        ptx ? nvrtcGetPTXSize : nvrtcGetCUBINSize, program, size), name);
                long bytes = size.get(JAVA_LONG, 0);
                if (bytes <= 0) {
                    // NVRTC hands back an empty CUBIN when asked for one after compiling for compute_XY.
                    throw new CudaFailure("NVRTC produced no " + output + " for " + name + " ("
                            + String.join(" ", options) + ")", 0);
                }
                MemorySegment image = arena.allocate(bytes);
                check(ptx ? "nvrtcGetPTX" : "nvrtcGetCUBIN", NativeLibrary.status(ptx ? nvrtcGetPTX : nvrtcGetCUBIN,
                        program, image), name);
                return new Compilation(image.toArray(JAVA_BYTE), log(arena, program));
            } finally {
                check("nvrtcDestroyProgram", NativeLibrary.status(nvrtcDestroyProgram, programOut), name);
            }
        }
    }

    private String log(Arena arena, MemorySegment program) {
        MemorySegment size = arena.allocate(JAVA_LONG);
        if (NativeLibrary.status(nvrtcGetProgramLogSize, program, size) != 0) {
            return "(no compiler log)";
        }
        MemorySegment log = arena.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
        if (NativeLibrary.status(nvrtcGetProgramLog, program, log) != 0) {
            return "(no compiler log)";
        }
        return log.getString(0, StandardCharsets.UTF_8).strip();
    }

    /** NVRTC's text for a result code, e.g. {@code NVRTC_ERROR_COMPILATION}. */
    String errorString(int code) {
        MemorySegment text = NativeLibrary.pointer(nvrtcGetErrorString, code);
        if (text.equals(MemorySegment.NULL)) {
            return "NVRTC error " + code;
        }
        return text.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8) + " (" + code + ")";
    }

    private void check(String call, int result, String program) {
        if (result != 0) {
            throw new CudaFailure(call + " failed for " + program + ": " + errorString(result), result);
        }
    }

    /** For messages. */
    static String versionText(int encoded) {
        return encoded / 1000 + "." + encoded % 1000 / 10;
    }
}
