package dev.wafer.adapters.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A shared library found by probing sonames in order, whose functions are all bound when it is opened: a missing
 * library or a library too old to export one of them is a {@link CudaUnavailableException} at start, never a
 * failure in the middle of a run.
 */
final class NativeLibrary {
    private final String soname;
    private final SymbolLookup lookup;

    NativeLibrary(String soname, SymbolLookup lookup) {
        this.soname = soname;
        this.lookup = lookup;
    }

    /**
     * The first of {@code sonames} that loads.
     *
     * @param what    what the library is, for the message ("NVRTC")
     * @param remedy  what to do when none loads
     * @throws CudaUnavailableException when none loads
     */
    @SuppressWarnings("restricted") // Loading native libraries is this class's job; the launcher enables native access.
    static NativeLibrary open(String what, List<String> sonames, String remedy) {
        for (String name : sonames) {
            Optional<SymbolLookup> found = tryLoad(name);
            if (found.isPresent()) {
                return new NativeLibrary(name, found.get());
            }
        }
        throw new CudaUnavailableException(what + " not found (tried " + String.join(", ", sonames) + ")", remedy);
    }

    /** The first of {@code sonames} that loads, or empty. */
    static Optional<NativeLibrary> find(List<String> sonames) {
        for (String name : sonames) {
            Optional<SymbolLookup> found = tryLoad(name);
            if (found.isPresent()) {
                return Optional.of(new NativeLibrary(name, found.get()));
            }
        }
        return Optional.empty();
    }

    /**
     * {@code sonames} (newest major first, e.g. {@code libnvrtc.so.13}) with those of a major the driver runs first:
     * majors up to {@code cudaMajor} in their order, then the newer ones. Why: a library of a newer major than the
     * driver loads but cannot run (cuBLAS 13 or NVRTC 13's PTX need a CUDA 13 driver), while an older one beside it
     * would. {@code cudaMajor} 0 or less (unknown) leaves the order as it is.
     */
    static List<String> preferringMajor(List<String> sonames, int cudaMajor) {
        if (cudaMajor <= 0) {
            return sonames;
        }
        List<String> runnable = new ArrayList<>();
        List<String> newer = new ArrayList<>();
        for (String name : sonames) {
            (major(name) <= cudaMajor ? runnable : newer).add(name);
        }
        runnable.addAll(newer);
        return List.copyOf(runnable);
    }

    /**
     * The N of a soname ending {@code .so.N} or {@code .so.N.M}; {@link Integer#MAX_VALUE} when it has none (an
     * unversioned name, of any major, goes after those the driver runs).
     */
    private static int major(String soname) {
        int at = soname.lastIndexOf(".so.");
        if (at < 0) {
            return Integer.MAX_VALUE;
        }
        String version = soname.substring(at + 4);
        int dot = version.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    @SuppressWarnings("restricted")
    private static Optional<SymbolLookup> tryLoad(String name) {
        try {
            return Optional.of(SymbolLookup.libraryLookup(name, Arena.global()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The soname that loaded, e.g. {@code libnvrtc.so.12}. */
    String soname() {
        return soname;
    }

    /**
     * Binds every function of {@code functions}.
     *
     * @param remedy what to do when a symbol is absent (the library is too old)
     * @throws CudaUnavailableException naming every absent symbol
     */
    @SuppressWarnings("restricted") // A downcall is what the bindings exist for.
    Map<String, MethodHandle> bindAll(Map<String, FunctionDescriptor> functions, String remedy) {
        Linker linker = Linker.nativeLinker();
        Map<String, MethodHandle> handles = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, FunctionDescriptor> f : functions.entrySet()) {
            Optional<MemorySegment> address = lookup.find(f.getKey());
            if (address.isEmpty()) {
                missing.add(f.getKey());
            } else {
                handles.put(f.getKey(), linker.downcallHandle(address.get(), f.getValue()));
            }
        }
        if (!missing.isEmpty()) {
            throw new CudaUnavailableException(soname + " lacks " + String.join(", ", missing)
                    + ", so it is too old", remedy);
        }
        return handles;
    }

    /** Invokes a downcall returning a status code; downcalls throw nothing checked. */
    static int status(MethodHandle function, Object... arguments) {
        try {
            return (int) function.invokeWithArguments(arguments);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native call failed", t);
        }
    }

    /** Invokes a downcall returning a pointer. */
    static MemorySegment pointer(MethodHandle function, Object... arguments) {
        try {
            return (MemorySegment) function.invokeWithArguments(arguments);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native call failed", t);
        }
    }
}
