package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A stand-in native library made of FFM upcall stubs, one per function of a binding table, with the table's own
 * descriptors: binding a {@link DriverApi} or {@link CublasApi} to it and calling every method sends each argument
 * through a real downcall, so a Java argument of the wrong type fails here instead of on a GPU machine. Every call
 * is recorded with its arguments and returns 0 (success); functions with an output parameter write a plausible
 * value (a fresh handle or device address, compute capability 9.0).
 */
@SuppressWarnings("restricted") // Upcall stubs and reading their pointer arguments are what this stand-in is.
final class FakeNativeLibrary {
    /** One recorded call. */
    record Call(String function, List<Object> arguments) {
    }

    private static final MethodHandle RECORD;

    static {
        try {
            RECORD = MethodHandles.lookup().findVirtual(FakeNativeLibrary.class, "record",
                    MethodType.methodType(Object.class, String.class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Arena arena = Arena.ofShared();
    private final Map<String, MemorySegment> stubs = new HashMap<>();
    private final Map<String, FunctionDescriptor> descriptors = new HashMap<>();
    private final List<Call> calls = new ArrayList<>();
    private final Map<Long, String> functionNames = new HashMap<>();
    private final Map<String, java.util.function.ToIntFunction<Object[]>> failures = new HashMap<>();
    private final Map<String, Behaviour> behaviours = new HashMap<>();
    private boolean recording = true;
    private Throwable fault;
    private long nextHandle = 0x1000;
    private long nextDevicePointer = 0x7f00_0000_0000L;

    FakeNativeLibrary(Map<String, FunctionDescriptor> functions) {
        Linker linker = Linker.nativeLinker();
        for (var f : functions.entrySet()) {
            FunctionDescriptor d = f.getValue();
            MethodType type = d.toMethodType();
            MethodHandle target = MethodHandles.insertArguments(RECORD.bindTo(this), 0, f.getKey())
                    .asCollector(Object[].class, type.parameterCount()).asType(type);
            stubs.put(f.getKey(), linker.upcallStub(target, d, arena));
            descriptors.put(f.getKey(), d);
        }
    }

    NativeLibrary library(String soname) {
        return new NativeLibrary(soname, name -> Optional.ofNullable(stubs.get(name)));
    }

    /**
     * Makes {@code function} return {@code code} (a failure) whenever {@code when} says so of its arguments; 0 from
     * {@code when} lets the call succeed.
     */
    void fail(String function, java.util.function.ToIntFunction<Object[]> when) {
        failures.put(function, when);
    }

    /** What a function does instead of succeeding with plausible outputs: its status code from its arguments. */
    interface Behaviour {
        int apply(Object[] arguments) throws Exception;
    }

    /**
     * Makes {@code function} do {@code behaviour}. A throwable it raises cannot cross the upcall (it would end the
     * JVM): it is kept for {@link #fault()} and printed, and the call returns {@code errorCode}.
     */
    void behave(String function, int errorCode, Behaviour behaviour) {
        behaviours.put(function, arguments -> {
            try {
                return behaviour.apply(arguments);
            } catch (Throwable t) {
                if (fault == null) {
                    fault = t;
                }
                System.err.println("stand-in " + function + " failed: " + t);
                return errorCode;
            }
        });
    }

    /** The first throwable a {@link #behave behaviour} raised, or {@code null}. */
    Throwable fault() {
        return fault;
    }

    /** Stops recording calls (a long run would keep every one). */
    void quiet() {
        recording = false;
    }

    List<Call> calls() {
        return calls;
    }

    /** The calls of {@code function}, in order. */
    List<Call> calls(String function) {
        return calls.stream().filter(c -> c.function().equals(function)).toList();
    }

    private Object record(String function, Object[] arguments) {
        if (recording) {
            calls.add(new Call(function, List.of(arguments)));
        }
        if (function.equals("cuModuleLoadData")) {
            // The image is only alive during the call: record whether it is a CUBIN (an ELF file) or PTX text.
            MemorySegment image = ((MemorySegment) arguments[1]).reinterpret(4);
            calls.add(new Call("module-image", List.of(image.get(ValueLayout.JAVA_BYTE, 0) == 0x7f
                    && image.get(ValueLayout.JAVA_BYTE, 1) == 'E' ? "cubin" : "ptx")));
        }
        var failure = failures.get(function);
        int code = failure == null ? 0 : failure.applyAsInt(arguments);
        if (code != 0) {
            return code;
        }
        Behaviour behaviour = behaviours.get(function);
        if (behaviour != null) {
            try {
                return behaviour.apply(arguments);
            } catch (Exception e) {
                throw new IllegalStateException(e); // behave() wraps every behaviour, so this cannot happen
            }
        }
        switch (function) {
            case "cuDeviceGetCount" -> out(arguments[0], JAVA_INT).set(JAVA_INT, 0, 1);
            case "cuDeviceGetAttribute" -> out(arguments[0], JAVA_INT).set(JAVA_INT, 0,
                    (int) arguments[1] == DriverApi.COMPUTE_CAPABILITY_MAJOR ? 9 : 0);
            case "cuMemAlloc_v2" -> {
                out(arguments[0], JAVA_LONG).set(JAVA_LONG, 0, nextDevicePointer);
                nextDevicePointer += ((long) arguments[1] + 511) / 256 * 256;
            }
            case "cuModuleGetFunction" -> {
                String entry = ((MemorySegment) arguments[2]).reinterpret(256).getString(0);
                functionNames.put(nextHandle, entry);
                out(arguments[0], ADDRESS).set(ADDRESS, 0, MemorySegment.ofAddress(nextHandle++));
            }
            case "cuFuncGetAttribute" -> out(arguments[0], JAVA_INT).set(JAVA_INT, 0,
                    (int) arguments[1] == DriverApi.FUNC_MAX_THREADS_PER_BLOCK ? 1024
                            : (int) arguments[1] == DriverApi.FUNC_NUM_REGS ? 32 : 0);
            case "cublasSgemm_v2" -> calls.add(new Call("sgemm-scalars", List.of(
                    out(arguments[6], JAVA_FLOAT).get(JAVA_FLOAT, 0), out(arguments[11], JAVA_FLOAT).get(JAVA_FLOAT, 0))));
            case "cuLaunchKernel" -> {
                if (recording) {
                    calls.add(new Call("launch:" + functionNames.get(((MemorySegment) arguments[0]).address()),
                            decode(arguments)));
                }
            }
            case "cuDevicePrimaryCtxRetain", "cuStreamCreate", "cuModuleLoadData", "cuEventCreate",
                 "cublasCreate_v2" ->
                    out(arguments[0], ADDRESS).set(ADDRESS, 0, MemorySegment.ofAddress(nextHandle++));
            default -> {
            }
        }
        MemoryLayout returns = descriptors.get(function).returnLayout().orElseThrow();
        return returns instanceof ValueLayout.OfInt ? (Object) 0 : MemorySegment.NULL;
    }

    /** The entry name of a function handle from {@code cuModuleGetFunction}. */
    String functionName(MemorySegment handle) {
        return functionNames.get(handle.address());
    }

    /** The arguments {@code cuLaunchKernel}'s {@code kernelParams} point to, read while they are alive. */
    private List<Object> decode(Object[] launch) {
        String entry = functionNames.get(((MemorySegment) launch[0]).address());
        CudaKernel kernel = java.util.Arrays.stream(CudaKernel.values()).filter(k -> k.entry().equals(entry))
                .findFirst().orElseThrow(() -> new AssertionError("launch of an unknown function " + launch[0]));
        int n = kernel.params().size();
        MemorySegment params = ((MemorySegment) launch[9]).reinterpret(n * ADDRESS.byteSize());
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            MemorySegment value = params.getAtIndex(ADDRESS, i).reinterpret(8);
            values.add(switch (kernel.params().get(i)) {
                case POINTER -> value.get(JAVA_LONG, 0);
                case INT -> value.get(JAVA_INT, 0);
                case FLOAT -> value.get(JAVA_FLOAT, 0);
            });
        }
        return values;
    }

    private static MemorySegment out(Object pointer, MemoryLayout layout) {
        return ((MemorySegment) pointer).reinterpret(layout.byteSize());
    }
}
