package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The backend's CUDA C kernels compiled for the host by g++ and run there: each CUDA thread is a fiber, blocks run
 * one after another, {@code __syncthreads} and the warp shuffles switch fibers ({@code sim/cuda_sim_runtime.cpp}, x86-64).
 * This computes what the kernels compute, from the very sources NVRTC compiles, so the contract and model suites
 * can check their values on a machine without a GPU. It is not a timing model, and it runs a block's threads in
 * order, so it cannot show a race between threads that a GPU would interleave.
 *
 * <p>The only source changes: the two PTX conversions of {@code wafer_round} and {@code pack_operands}
 * ({@code cvt.rn.f16.f32}, {@code cvt.f32.f16}) become calls to {@code _Float16} conversions, which round the same
 * way; any other inline asm is refused. Every pointer type {@code T*} becomes {@code wsim_ptr<T>}, which checks each
 * load and store against the allocation the kernel argument points into ({@link #register}), so an out-of-bounds
 * access fails the launch with its offset instead of reading a neighbour's memory; every {@code __shared__} array
 * becomes a {@code wsim_shared<T, N>}, whose subscript checks the index and, while {@link #countMemoryRequests} is
 * on, logs the access for the count of memory requests (bank conflicts); accesses through pointers are
 * logged too (sectors). Per kernel a thunk
 * {@code wsim_thunk_<entry>(void** params)} unpacks {@code cuLaunchKernel}'s argument array with the types of the
 * kernel's own parameter list.
 */
public final class CudaSimulator {
    private static final Pattern KERNEL = Pattern.compile(
            "extern\\s+\"C\"\\s+__global__\\s+void\\s+(\\w+)\\s*\\(([^)]*)\\)", Pattern.DOTALL);
    private static final Pattern TO_HALF = Pattern.compile(
            "asm\\(\"cvt\\.rn\\.f16\\.f32 %0, %1;\"\\s*:\\s*\"=h\"\\((\\w+)\\)\\s*:\\s*\"f\"\\((\\w+)\\)\\);");
    private static final Pattern FROM_HALF = Pattern.compile(
            "asm\\(\"cvt\\.f32\\.f16 %0, %1;\"\\s*:\\s*\"=f\"\\((\\w+)\\)\\s*:\\s*\"h\"\\((\\w+)\\)\\);");
    /**
     * The tensor-core product of flash_attention.cu's {@code fa_mma}, exactly as written there (bf16 operands, float32
     * accumulated in place); the simulator runs it as a warp-wide exchange of the fragments ({@code wsim_mma}).
     */
    private static final Pattern MMA = Pattern.compile(
            "asm volatile\\(\"mma\\.sync\\.aligned\\.m16n8k16\\.row\\.col\\.f32\\.bf16\\.bf16\\.f32 "
                    + "\\{%0, %1, %2, %3\\}, \\{%4, %5, %6, %7\\}, \\{%8, %9\\}, \\{%0, %1, %2, %3\\};\"\\s*"
                    + ":\\s*\"\\+f\"\\((\\w+)\\),\\s*\"\\+f\"\\((\\w+)\\),\\s*\"\\+f\"\\((\\w+)\\),\\s*"
                    + "\"\\+f\"\\((\\w+)\\)\\s*:\\s*\"r\"\\((\\w+)\\),\\s*\"r\"\\((\\w+)\\),\\s*"
                    + "\"r\"\\((\\w+)\\),\\s*\"r\"\\((\\w+)\\),\\s*\"r\"\\((\\w+)\\),\\s*\"r\"\\((\\w+)\\)\\);");
    /** flash_attention_f32.cu's tf32 product ({@code ft_mma1}), run as {@code wsim_mma}. */
    private static final Pattern MMA_TF32 = Pattern.compile(
            "asm volatile\\(\"mma\\.sync\\.aligned\\.m16n8k8\\.row\\.col\\.f32\\.tf32\\.tf32\\.f32 "
                    + "\\{%0, %1, %2, %3\\}, \\{%4, %5, %6, %7\\}, \\{%8, %9\\}, \\{%0, %1, %2, %3\\};\"\\s*"
                    + ":\\s*\"\\+f\"\\((\\w+)\\),\\s*\"\\+f\"\\((\\w+)\\),\\s*\"\\+f\"\\((\\w+)\\),\\s*"
                    + "\"\\+f\"\\((\\w+)\\)\\s*:\\s*\"r\"\\((\\w+)\\),\\s*\"r\"\\((\\w+)\\),\\s*"
                    + "\"r\"\\((\\w+)\\),\\s*\"r\"\\((\\w+)\\),\\s*\"r\"\\((\\w+)\\),\\s*\"r\"\\((\\w+)\\)\\);");
    /** flash_attention_f32.cu's float32-to-tf32 rounding ({@code ft_tf32}), run as {@code wsim_f32_to_tf32}. */
    private static final Pattern TO_TF32 = Pattern.compile(
            "asm volatile\\(\"cvt\\.rna\\.tf32\\.f32 %0, %1;\"\\s*:\\s*\"=r\"\\((\\w+)\\)\\s*:\\s*\"f\"\\((\\w+)\\)\\);");
    /** A pointer type of the kernels ({@code const float*}, {@code unsigned short *}), before its variable's name. */
    private static final Pattern POINTER = Pattern.compile(
            "\\b((?:const\\s+)?(?:unsigned\\s+)?(?:float|double|int|short|char))\\s*\\*\\s*(?=[A-Za-z_])");
    /** A {@code __shared__} array's declaration: element type, name, length. */
    private static final Pattern SHARED_ARRAY = Pattern.compile(
            "__shared__\\s+([A-Za-z_][\\w ]*?)\\s+(\\w+)\\s*\\[([^\\]]+)\\]\\s*;");
    private static final String RESOURCES = "sim/";
    /** The stand-in BLAS libraries' shared GEMM (a header, not a unit of its own). */
    private static final String GEMM_HEADER = "stand_in_gemm.hpp";
    private static final int ERROR_BYTES = 512;

    private static CudaSimulator shared;
    private static String unavailable;

    private final Map<String, MemorySegment> thunks = new java.util.HashMap<>();
    private final Map<String, Boolean> barrierFree = new java.util.HashMap<>();
    private final MethodHandle launch;
    private final MethodHandle register;
    private final MethodHandle unregister;
    private final MethodHandle countRequests;
    private final MethodHandle checkRaces;
    private final MethodHandle resetRequests;
    private final MethodHandle requestCounts;
    private final MemorySegment error;

    private CudaSimulator(Path library, List<String> entries) {
        Arena arena = Arena.global();
        SymbolLookup symbols = SymbolLookup.libraryLookup(library, arena);
        for (String entry : entries) {
            thunks.put(entry, symbols.find("wsim_thunk_" + entry).orElseThrow(
                    () -> new IllegalStateException("the simulator library has no thunk for " + entry)));
            barrierFree.put(entry, symbols.find("wsim_barrier_free_" + entry).orElseThrow()
                    .reinterpret(4).get(JAVA_INT, 0) != 0);
        }
        launch = Linker.nativeLinker().downcallHandle(symbols.find("wsim_launch").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                        JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        register = Linker.nativeLinker().downcallHandle(symbols.find("wsim_register").orElseThrow(),
                FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG));
        unregister = Linker.nativeLinker().downcallHandle(symbols.find("wsim_unregister").orElseThrow(),
                FunctionDescriptor.ofVoid(JAVA_LONG));
        countRequests = Linker.nativeLinker().downcallHandle(symbols.find("wsim_count_requests").orElseThrow(),
                FunctionDescriptor.ofVoid(JAVA_INT));
        checkRaces = Linker.nativeLinker().downcallHandle(symbols.find("wsim_check_races").orElseThrow(),
                FunctionDescriptor.ofVoid(JAVA_INT));
        resetRequests = Linker.nativeLinker().downcallHandle(symbols.find("wsim_reset_requests").orElseThrow(),
                FunctionDescriptor.ofVoid());
        requestCounts = Linker.nativeLinker().downcallHandle(symbols.find("wsim_request_counts").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        error = arena.allocate(ERROR_BYTES);
    }

    /** Where a request goes: a {@code __shared__} array, or global memory through a kernel's pointer. */
    enum Space {
        /** Shared memory: transactions are wavefronts of the 32 banks. */
        SHARED,
        /** Global memory: transactions are 32-byte sectors. */
        GLOBAL
    }

    /**
     * The memory requests of one source line in one space, counted while {@link #countMemoryRequests} was on: how
     * many requests a warp issued there, the transactions they took (shared: wavefronts, with their bank conflicts;
     * global: 32-byte sectors), the transactions the same bytes would take at best (one wavefront per 32 distinct
     * words; one sector per 32 bytes, contiguous and aligned), and the most one request took (shared: its n-way
     * conflict; global: its sectors).
     */
    record MemoryRequests(Space space, String file, int line, long requests, long transactions, long ideal,
                          int worst) {
        /** Transactions over the ideal: 1 without bank conflicts or wasted sectors. */
        double degree() {
            return ideal == 0 ? 1 : (double) transactions / ideal;
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%s:%d %s, %d requests, %d %s (%.2fx the ideal %d, worst"
                    + " %d)", file, line, space == Space.SHARED ? "shared" : "global", requests, transactions,
                    space == Space.SHARED ? "wavefronts" : "sectors", degree(), ideal, worst);
        }
    }

    /**
     * Starts ({@code true}) or stops counting every warp's memory requests, per space and source line (the
     * simulator runs one launch at a time, and its counts are shared by the JVM's tests). Counting slows launches;
     * it is off unless a test turns it on.
     */
    void countMemoryRequests(boolean on) {
        try {
            countRequests.invokeExact(on ? 1 : 0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Starts ({@code true}) or stops checking every launch for races ({@code sim/cuda_sim_races.cpp}): two accesses
     * to one element of shared or global memory, at least one a write, by threads that nothing orders (different
     * blocks, or the same block between the same two {@code __syncthreads}) fail the launch, naming both threads
     * and source lines. As {@link #countMemoryRequests}, it is the JVM's, and off unless a test turns it on.
     */
    void checkRaces(boolean on) {
        try {
            checkRaces.invokeExact(on ? 1 : 0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The counts since the last {@link #resetMemoryRequests}, one per space and source line. */
    List<MemoryRequests> memoryRequests() {
        try (Arena arena = Arena.ofConfined()) {
            int size = 1 << 16;
            for (;;) {
                MemorySegment text = arena.allocate(size);
                int needed = (int) requestCounts.invokeExact(text, size);
                if (needed < size) {
                    List<MemoryRequests> out = new ArrayList<>();
                    for (String row : text.getString(0).split("\n")) {
                        if (!row.isEmpty()) {
                            String[] f = row.split("\t");
                            out.add(new MemoryRequests(f[0].equals("shared") ? Space.SHARED : Space.GLOBAL, f[1],
                                    Integer.parseInt(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                                    Long.parseLong(f[5]), Integer.parseInt(f[6])));
                        }
                    }
                    return out;
                }
                size = needed + 1;
            }
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Forgets the counts. */
    void resetMemoryRequests() {
        try {
            resetRequests.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Declares {@code [address, address + bytes)} device memory: kernel arguments pointing into it get its bounds. */
    void register(long address, long bytes) {
        try {
            register.invokeExact(address, bytes);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Forgets the allocation at {@code address}: a kernel that still uses it fails. */
    void unregister(long address) {
        try {
            unregister.invokeExact(address);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * The simulator, compiled once per JVM into {@code target/cuda-sim/<hash of the sources>} (reused while the
     * sources are unchanged), or {@code null} when there is no g++ here; then {@link #unavailableReason()} says why.
     */
    static synchronized CudaSimulator get() {
        if (shared == null && unavailable == null) {
            try {
                Map<String, String> sources = new java.util.LinkedHashMap<>();
                for (String file : KernelSources.files()) {
                    sources.put(file, KernelSources.read(file));
                }
                shared = compile(sources);
            } catch (UnavailableException e) {
                unavailable = e.getMessage();
            }
        }
        return shared;
    }

    static synchronized String unavailableReason() {
        return unavailable;
    }

    /**
     * A simulator for the kernels of {@code sources} (file name to CUDA C text), compiled into
     * {@code target/cuda-sim/<hash of the sources>} and reused while they are unchanged.
     *
     * @throws UnavailableException without g++ on x86-64
     */
    static CudaSimulator compile(Map<String, String> sources) throws UnavailableException {
        List<String> entries = new ArrayList<>();
        for (String text : sources.values()) {
            Matcher m = KERNEL.matcher(text);
            while (m.find()) {
                entries.add(m.group(1));
            }
        }
        return new CudaSimulator(build(sources), entries);
    }

    /**
     * Runs {@code kernel} over {@code geometry} with {@code params}, {@code cuLaunchKernel}'s argument array; blocks
     * and threads in ascending order or, {@code descending}, the other way round (a kernel whose values depend on
     * the order has a race).
     */
    void launch(CudaKernel kernel, LaunchGeometry geometry, MemorySegment params, boolean descending) {
        launch(kernel.entry(), geometry, params, descending);
    }

    /**
     * Runs the kernel {@code entry} as {@link #launch(CudaKernel, LaunchGeometry, MemorySegment, boolean)} does.
     *
     * @throws AssertionError with the simulator's reason when the kernel deadlocks (threads of a block at different
     *                        barriers), shuffles with a partial mask or reads a lane that has returned
     */
    void launch(String entry, LaunchGeometry geometry, MemorySegment params, boolean descending) {
        int rc;
        try {
            rc = (int) launch.invokeExact(thunks.get(entry), params, geometry.gridX(), geometry.gridY(), 1,
                    geometry.blockX(), geometry.blockY(), 1, descending ? 1 : 0, barrierFree.get(entry) ? 1 : 0,
                    error, ERROR_BYTES);
        } catch (Throwable t) {
            throw new IllegalStateException("simulated launch of " + entry + " failed", t);
        }
        if (rc != 0) {
            throw new AssertionError("simulated " + entry + " over " + geometry + ": " + error.getString(0));
        }
    }

    /** Why the simulator cannot be built here. */
    public static final class UnavailableException extends Exception {
        UnavailableException(String message) {
            super(message);
        }
    }

    /**
     * The stand-in {@code libcuda.so.1}, {@code libcublas.so.12} and {@code libcublasLt.so.12} for the backend's kernels (see
     * {@code sim/stand_in_cuda.cpp}): a folder to put on {@code LD_LIBRARY_PATH}, or to open the libraries from, so
     * that the real backend, its bindings and the CLI run without a GPU.
     *
     * @throws UnavailableException without g++ on x86-64
     */
    public static Path standInLibraries() throws UnavailableException {
        Map<String, String> sources = new java.util.LinkedHashMap<>();
        for (String file : KernelSources.files()) {
            sources.put(file, KernelSources.read(file));
        }
        return build(sources).getParent().resolve("stand-in");
    }

    /**
     * Builds the stand-in libraries and prints their folder ({@code bin/cuda-stand-in}), for trying the CUDA backend
     * without a GPU: {@code LD_LIBRARY_PATH=<folder> ./wafer train --backend cuda ...}.
     */
    public static void main(String[] args) {
        try {
            System.out.println(standInLibraries());
        } catch (UnavailableException e) {
            System.err.println("cuda-stand-in: " + e.getMessage());
            System.exit(3);
        }
    }

    /** Compiles the units once and links the simulator library and the stand-ins; returns the simulator's path. */
    private static Path build(Map<String, String> sources) throws UnavailableException {
        Path compiler = findCompiler();
        Map<String, String> units = new java.util.LinkedHashMap<>();
        units.put("cuda_sim_runtime.cpp", resource(RESOURCES + "cuda_sim_runtime.cpp"));
        units.put("cuda_sim_races.cpp", resource(RESOURCES + "cuda_sim_races.cpp"));
        for (Map.Entry<String, String> source : sources.entrySet()) {
            units.put(source.getKey().replace(".cu", ".cpp"), unit(source.getKey(), source.getValue()));
        }
        Map<String, String> standIns = new java.util.LinkedHashMap<>();
        for (String name : List.of("stand_in_cuda.cpp", "stand_in_cublas.cpp", "stand_in_cublaslt.cpp")) {
            standIns.put(name, resource(RESOURCES + name));
        }
        // The GEMM both stand-in BLAS libraries compute, as a header (hashed with the units: it is their code too).
        standIns.put(GEMM_HEADER, resource(RESOURCES + GEMM_HEADER));
        String header = resource(RESOURCES + "cuda_sim.hpp");
        Map<String, String> all = new java.util.LinkedHashMap<>(units);
        all.putAll(standIns);
        Path dir = Path.of("target", "cuda-sim", hash(header, all)).toAbsolutePath();
        Path library = dir.resolve("libwafercudasim.so");
        Path done = dir.resolve("built");
        if (Files.isRegularFile(done)) {
            return library;
        }
        // Test JVMs that run side by side (surefire's forks, a test and bin/cuda-stand-in) build one at a time: the
        // first builds, the others find it built once they hold the lock.
        try (java.nio.channels.FileChannel channel = lockFile(dir);
             java.nio.channels.FileLock lock = channel.lock()) {
            if (Files.isRegularFile(done)) {
                return library;
            }
            return compileAndLink(compiler, dir, header, all, standIns, library, done);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the CUDA simulator in " + dir, e);
        }
    }

    private static java.nio.channels.FileChannel lockFile(Path dir) throws IOException {
        Files.createDirectories(dir);
        return java.nio.channels.FileChannel.open(dir.resolve("build.lock"), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE);
    }

    private static Path compileAndLink(Path compiler, Path dir, String header, Map<String, String> all,
                                       Map<String, String> standIns, Path library, Path done) {
        try {
            Files.createDirectories(dir.resolve("stand-in"));
            Files.writeString(dir.resolve("cuda_sim.hpp"), header);
            List<String> compile = new ArrayList<>(List.of(compiler.toString(), "-std=c++17", "-O2", "-fPIC", "-c"));
            List<String> objects = new ArrayList<>();
            for (Map.Entry<String, String> unit : all.entrySet()) {
                Files.writeString(dir.resolve(unit.getKey()), unit.getValue());
                if (unit.getKey().equals(GEMM_HEADER)) {
                    continue;
                }
                compile.add(unit.getKey());
                if (!standIns.containsKey(unit.getKey())) {
                    objects.add(unit.getKey().replace(".cpp", ".o"));
                }
            }
            run(dir, compile);
            List<String> simulator = new ArrayList<>(List.of(compiler.toString(), "-shared", "-o",
                    "libwafercudasim.so"));
            simulator.addAll(objects);
            run(dir, simulator);
            List<String> driver = new ArrayList<>(List.of(compiler.toString(), "-shared",
                    "-Wl,-soname,libcuda.so.1", "-o", "stand-in/libcuda.so.1", "stand_in_cuda.o"));
            driver.addAll(objects);
            driver.add("-ldl");
            run(dir, driver);
            run(dir, List.of(compiler.toString(), "-shared", "-Wl,-soname,libcublas.so.12", "-o",
                    "stand-in/libcublas.so.12", "stand_in_cublas.o", "-Lstand-in", "-l:libcuda.so.1",
                    "-Wl,-rpath,$ORIGIN"));
            run(dir, List.of(compiler.toString(), "-shared", "-Wl,-soname,libcublasLt.so.12", "-o",
                    "stand-in/libcublasLt.so.12", "stand_in_cublaslt.o", "-Lstand-in", "-l:libcuda.so.1",
                    "-Wl,-rpath,$ORIGIN"));
            Files.writeString(done, "");
            return library;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the CUDA simulator in " + dir, e);
        }
    }

    private static void run(Path dir, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("g++ failed for the CUDA simulator (" + String.join(" ", command) + "): "
                        + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while compiling the CUDA simulator", e);
        }
    }

    /** One kernel file as C++: the PTX conversions replaced, then a thunk per kernel. */
    static String unit(String file, String source) {
        String text = FROM_HALF.matcher(TO_HALF.matcher(source).replaceAll("$1 = wsim_f32_to_f16($2);"))
                .replaceAll("$1 = wsim_f16_to_f32($2);");
        text = MMA.matcher(text).replaceAll(
                "wsim_mma(wsim_mma_bf16_m16n8k16, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10);");
        text = MMA_TF32.matcher(text).replaceAll(
                "wsim_mma(wsim_mma_tf32_m16n8k8, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10);");
        text = TO_TF32.matcher(text).replaceAll("$1 = wsim_f32_to_tf32($2);");
        if (text.contains("asm(") || text.contains("asm volatile(")) {
            throw new AssertionError(file + " holds inline asm the simulator cannot run: "
                    + text.substring(text.indexOf("asm("), Math.min(text.length(), text.indexOf("asm(") + 80)));
        }
        StringBuilder thunks = new StringBuilder("\n// Thunks: cuLaunchKernel's void** argument array unpacked per kernel,"
                + " pointers with the bounds of their allocation.\n");
        Set<String> waiting = waitingHelpers(text);
        Matcher m = KERNEL.matcher(text);
        while (m.find()) {
            boolean barrierFree = waiting.stream().noneMatch(body(text, m.end())::contains);
            thunks.append("extern \"C\" const int wsim_barrier_free_").append(m.group(1)).append(" = ")
                    .append(barrierFree ? 1 : 0).append(";\n");
            thunks.append("extern \"C\" void wsim_thunk_").append(m.group(1)).append("(void** p) {\n    ")
                    .append(m.group(1)).append('(');
            String list = m.group(2).strip();
            if (!list.isEmpty()) {
                String[] params = list.split(",");
                for (int i = 0; i < params.length; i++) {
                    String param = params[i].strip().replaceAll("\\s+", " ").replace(" *", "* ");
                    String type = param.substring(0, param.lastIndexOf(' ')).strip();
                    thunks.append(i == 0 ? "" : ", ");
                    if (type.endsWith("*")) {
                        String pointee = type.substring(0, type.length() - 1).strip();
                        thunks.append("wsim_wrap<").append(pointee).append(">(*(").append(pointee).append("**) p[")
                                .append(i).append("])");
                    } else {
                        thunks.append("*(").append(type).append("*) p[").append(i).append(']');
                    }
                }
            }
            thunks.append(");\n}\n");
        }
        return "#include \"cuda_sim.hpp\"\n#line 1 \"" + file + "\"\n"
                + POINTER.matcher(sharedArrays(text)).replaceAll("wsim_ptr<$1> ") + thunks;
    }

    /**
     * Every {@code __shared__ T name[N];} as {@code wsim_shared<T, (N)>} and each use {@code name[} as
     * {@code WSIM_SHARED(name)[}: accesses checked against the array's length and, while recording, counted by bank
     * ({@code cuda_sim.hpp}). The kernels use their shared arrays only by subscript; a name also used otherwise
     * (outside a comment) is refused, since it would then escape the check.
     */
    static String sharedArrays(String text) {
        Set<String> names = new java.util.TreeSet<>();
        Matcher d = SHARED_ARRAY.matcher(text);
        StringBuilder declared = new StringBuilder();
        while (d.find()) {
            names.add(d.group(2));
            d.appendReplacement(declared, Matcher.quoteReplacement(
                    "__shared__ wsim_shared<" + d.group(1).strip() + ", (" + d.group(3).strip() + ")> " + d.group(2)
                            + ";"));
        }
        d.appendTail(declared);
        String out = declared.toString();
        for (String name : names) {
            Matcher other = Pattern.compile("\\b" + name + "\\b(?!\\s*\\[)(?!;)").matcher(out);
            while (other.find()) {
                String line = out.substring(out.lastIndexOf('\n', other.start()) + 1, other.start());
                if (!line.contains("//")) { // a comment may name the array
                    throw new AssertionError("the shared array " + name + " is used other than by subscript, which"
                            + " the simulator cannot check: " + out.substring(other.start(),
                            Math.min(out.length(), other.start() + 60)));
                }
            }
            out = out.replaceAll("\\b" + name + "\\s*\\[", "WSIM_SHARED(" + name + ")[");
        }
        return out;
    }

    /**
     * The names whose use makes a kernel wait for other threads: the primitives, and every function of the file
     * whose body uses one (helpers such as {@code warp_sum}).
     */
    private static Set<String> waitingHelpers(String text) {
        Set<String> names = new java.util.HashSet<>(Set.of("__syncthreads", "__shfl", "wsim_mma"));
        Matcher f = Pattern.compile("(\\w+)\\s*\\([^)]*\\)\\s*\\{").matcher(text);
        while (f.find()) {
            String name = f.group(1);
            if (!Set.of("if", "for", "while", "switch").contains(name)
                    && names.stream().anyMatch(body(text, f.end() - 1)::contains)) {
                names.add(name);
            }
        }
        return names;
    }

    /** The text of the brace-delimited block that opens at or after {@code from}. */
    private static String body(String text, int from) {
        int open = text.indexOf('{', from);
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            if (text.charAt(i) == '{') {
                depth++;
            } else if (text.charAt(i) == '}' && --depth == 0) {
                return text.substring(open, i + 1);
            }
        }
        return text.substring(open);
    }

    private static Path findCompiler() throws UnavailableException {
        String arch = System.getProperty("os.arch");
        if (!"amd64".equals(arch) && !"x86_64".equals(arch)) {
            throw new UnavailableException("the simulator's fiber switch is written for x86-64, this JVM runs on "
                    + arch);
        }
        String override = System.getenv("WAFER_CUDA_SIM_CXX");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "g++");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new UnavailableException("no g++ on PATH to compile the kernels for the host (install g++, or set"
                + " WAFER_CUDA_SIM_CXX)");
    }

    private static String resource(String name) {
        try (InputStream in = CudaSimulator.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("simulator source " + name + " is missing from the test class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String hash(String header, Map<String, String> units) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(header.getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, String> e : units.entrySet()) {
                sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                sha.update(e.getValue().getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
