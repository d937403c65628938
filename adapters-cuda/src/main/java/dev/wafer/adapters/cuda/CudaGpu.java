package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One CUDA device: its primary context, one stream that every copy, kernel and cuBLAS call is queued on (so they
 * run in program order without host synchronisation), the kernels' modules and a cuBLAS handle. Opening it loads
 * the driver, NVRTC and cuBLAS and binds every function first, so a missing or too-old library stops it before
 * anything is allocated. Methods are synchronised: one caller at a time, from any thread (the context is made
 * current on the calling thread when the thread changes).
 */
final class CudaGpu implements Gpu {
    private static final int SCRATCH_SLOTS = Gpu.SCRATCH_SLOTS;

    private final DriverApi driver;
    /** {@code null} when the GEMMs use the built-in kernel. */
    private final CublasApi cublas;
    /** {@code null} without cuBLASLt (no cuBLAS, the epilogue turned off, tests that bind cuBLAS alone). */
    private final BiasEpilogue epilogue;
    /** Why there is no bias epilogue, when there is none. */
    private final String noEpilogue;
    private final int device;
    private final String name;
    private final MemorySegment context;
    private final MemorySegment stream;
    private final MemorySegment blas;
    private final List<MemorySegment> modules = new ArrayList<>();
    private final Map<CudaKernel, MemorySegment> functions = new EnumMap<>(CudaKernel.class);
    private final long[] scratch = new long[SCRATCH_SLOTS];
    /** The kernel arguments of every launch, reused (launches are synchronised, and the driver copies them). */
    private final MemorySegment argumentBlock = Arena.ofAuto().allocate(KernelArgs.BLOCK_BYTES, 8);
    private final long[] scratchBytes = new long[SCRATCH_SLOTS];
    private final String description;
    /** How the kernels were loaded, e.g. {@code cubin sm_90 by NVRTC 12.8}, with the ways that failed first. */
    private final String kernelLoading;
    private long ids;
    /** cuBLAS's workspace ({@link CublasApi#WORKSPACE_BYTES}), 0 without cuBLAS. */
    private long blasWorkspace;
    private long idBytes;
    private Thread currentThread;
    private String lastKernel = "";
    /** Registers and spills of the loaded kernels, set by {@link #loadKernels}. */
    private KernelResources resources;
    private boolean closed;

    private CudaGpu(DriverApi driver, NvrtcApi nvrtc, CublasApi cublas, CublasLtApi lt, CudaOptions options) {
        this.driver = driver;
        this.cublas = cublas;
        this.noEpilogue = cublas == null ? "none (built-in GEMM)" : !options.biasEpilogue()
                ? "off (" + CudaOptions.BIAS_EPILOGUE_VARIABLE + "=0: kernels add the biases)" : "none (no cuBLASLt bound)";
        int ordinal;
        try {
            driver.init();
            ordinal = options.device().resolve(driver.deviceCount());
            this.device = driver.device(ordinal);
        } catch (CudaFailure e) {
            throw new CudaUnavailableException(e.getMessage(), CudaErrors.remedy(e.code()));
        }
        this.name = driver.deviceName(device);
        int major = driver.attribute(DriverApi.COMPUTE_CAPABILITY_MAJOR, device);
        int minor = driver.attribute(DriverApi.COMPUTE_CAPABILITY_MINOR, device);
        KernelCompiler compiler = new KernelCompiler(nvrtc, new PtxCache(options.cacheDir()));
        this.context = driver.retainPrimaryContext(device);
        driver.setCurrent(context);
        this.currentThread = Thread.currentThread();
        this.stream = driver.createStream();
        if (cublas == null) {
            this.blas = MemorySegment.NULL;
        } else {
            this.blas = cublas.create();
            cublas.setStream(blas, stream);
            cublas.setMathMode(blas, options.tf32() ? CublasApi.TF32_TENSOR_OP_MATH : CublasApi.DEFAULT_MATH);
            // After cublasSetStream, which resets the handle to cuBLAS's own workspace pool.
            this.blasWorkspace = driver.allocate(CublasApi.WORKSPACE_BYTES);
            cublas.setWorkspace(blas, blasWorkspace, CublasApi.WORKSPACE_BYTES);
        }
        this.epilogue = cublas != null && options.biasEpilogue() && lt != null
                ? BiasEpilogue.open(lt, options.tf32()) : null;
        this.kernelLoading = loadKernels(compiler, major, minor);
        this.description = name + " (" + options.device().describe(ordinal) + ", compute capability " + major + "."
                + minor + ", kernels: " + kernelLoading + ", " + resources.summary()
                + ", "
                + (cublas == null ? "built-in GEMM" : cublas.soname()
                        + (epilogue == null ? "" : ", " + epilogue.soname())
                        + (options.tf32() ? ", TF32 on" : ", TF32 off"))
                + ")";
    }

    /**
     * Opens the device {@code options.device()} places this process on.
     *
     * @throws CudaUnavailableException when a library is missing or too old, or the device cannot be used
     */
    static CudaGpu open(CudaOptions options) {
        NativeLibrary driverLibrary = NativeLibrary.open("the NVIDIA driver (" + FfmCudaDriver.LIBRARY + ")",
                DriverApi.SONAMES, CudaBackendProbe.INSTALL_DRIVER);
        DriverApi driver = new DriverApi(driverLibrary);
        // Libraries of a major the driver runs first (a newer major loads but cannot run); without NVRTC the
        // kernels may still come from prebuilt PTX in the cache (KernelCompiler says if not).
        int cudaMajor = driver.driverVersion() / 1000;
        NvrtcApi nvrtc = NvrtcApi.find(cudaMajor).orElse(null);
        BlasLibraries blas = BlasLibraries.load(options, cudaMajor);
        return open(driver, nvrtc, blas.cublas(), blas.lt(), options);
    }

    /**
     * Opens the device {@code options.device()} places this process on through the given bindings (tests bind them to stand-ins);
     * {@code nvrtc} is {@code null} for prebuilt PTX only, {@code cublas} {@code null} for the built-in GEMM.
     */
    static CudaGpu open(DriverApi driver, NvrtcApi nvrtc, CublasApi cublas, CudaOptions options) {
        return open(driver, nvrtc, cublas, null, options);
    }

    /**
     * As {@link #open(DriverApi, NvrtcApi, CublasApi, CudaOptions)}, with cuBLASLt for the bias epilogue
     * ({@code null}: none, every bias is added by a kernel).
     */
    static CudaGpu open(DriverApi driver, NvrtcApi nvrtc, CublasApi cublas, CublasLtApi lt, CudaOptions options) {
        return new CudaGpu(driver, nvrtc, cublas, lt, options);
    }

    /**
     * Loads every kernel file the first way that works for all of them ({@link KernelCompiler#candidates}): a
     * compile error or a module the driver refuses (e.g. {@code CUDA_ERROR_UNSUPPORTED_PTX_VERSION} from an NVRTC
     * newer than the driver), or a kernel that cannot launch with its block on this device ({@link
     * KernelResources#checkLaunchable}), unloads what that way loaded and tries the next.
     *
     * @return how they were loaded, naming the ways that failed before
     * @throws CudaUnavailableException when no way loads them, with every way's reason
     */
    private String loadKernels(KernelCompiler compiler, int major, int minor) {
        List<String> failures = new ArrayList<>();
        for (KernelCompiler.KernelImages way : compiler.candidates(major, minor)) {
            List<MemorySegment> loaded = new ArrayList<>();
            Map<CudaKernel, MemorySegment> found = new EnumMap<>(CudaKernel.class);
            try {
                for (String file : KernelSources.files()) {
                    byte[] image = way.image(file);
                    MemorySegment module;
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment segment = arena.allocate(image.length);
                        MemorySegment.copy(image, 0, segment, JAVA_BYTE, 0, image.length);
                        module = driver.loadModule(segment, file + " as " + way.describe());
                    }
                    loaded.add(module);
                    for (CudaKernel k : KernelSources.kernels(file)) {
                        found.put(k, driver.function(module, k.entry()));
                    }
                }
                KernelResources usage = KernelResources.query(driver, found);
                usage.checkLaunchable(way.describe());
                modules.addAll(loaded);
                functions.putAll(found);
                resources = usage;
                return way.describe() + (failures.isEmpty() ? "" : " (after: " + String.join("; ", failures) + ")");
            } catch (CudaFailure | CudaUnavailableException e) {
                for (MemorySegment module : loaded) {
                    driver.unloadModule(module);
                }
                failures.add(way.describe() + " failed: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        throw new CudaUnavailableException("no way of loading the kernels worked: " + String.join("; ", failures),
                NvrtcApi.REMEDY + ", or set " + CudaOptions.CACHE_VARIABLE
                        + " to a directory of PTX prebuilt by PtxPrecompiler");
    }

    /** How the kernels were loaded, for reports. */
    String kernelLoading() {
        return kernelLoading;
    }

    /** Device, architecture, compiler and library versions, for logs. */
    String description() {
        return description;
    }

    @Override
    public String deviceName() {
        return name;
    }

    private void enter() {
        if (closed) {
            throw new IllegalStateException("the CUDA backend is closed");
        }
        Thread now = Thread.currentThread();
        if (now != currentThread) {
            driver.setCurrent(context);
            currentThread = now;
        }
    }

    @Override
    public synchronized long allocate(long bytes) {
        enter();
        // Whole words, all cleared (cuMemAlloc does not clear; size / 4 of an odd 16-bit count missed 2 bytes).
        long size = Math.max((bytes + 3) & ~3L, 4);
        long pointer = driver.allocate(size);
        driver.fill32(pointer, 0, size / 4, stream, lastKernel);
        return pointer;
    }

    @Override
    public synchronized void free(long pointer) {
        enter();
        driver.synchronize(stream, lastKernel);
        driver.free(pointer, lastKernel);
    }

    @Override
    public synchronized void upload(long dst, MemorySegment src, long bytes) {
        enter();
        if (bytes > 0) {
            driver.copyHostToDevice(dst, src, bytes, stream, lastKernel);
        }
    }

    @Override
    public synchronized void download(long src, MemorySegment dst, long bytes) {
        enter();
        if (bytes > 0) {
            driver.copyDeviceToHost(dst, src, bytes, stream, lastKernel);
        }
        driver.synchronize(stream, lastKernel);
    }

    @Override
    public synchronized void copy(long dst, long src, long bytes) {
        enter();
        if (bytes > 0) {
            driver.copyDeviceToDevice(dst, src, bytes, stream, lastKernel);
        }
    }

    @Override
    public synchronized void fill(long dst, int bits, long count) {
        enter();
        if (count > 0) {
            driver.fill32(dst, bits, count, stream, lastKernel);
        }
    }

    @Override
    public synchronized long uploadIds(int[] values, int n) {
        enter();
        long bytes = 4L * Math.max(n, 1);
        if (bytes > idBytes) {
            if (ids != 0) {
                driver.synchronize(stream, lastKernel);
                driver.free(ids, lastKernel);
            }
            ids = driver.allocate(bytes);
            idBytes = bytes;
        }
        if (n > 0) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment host = arena.allocate(JAVA_INT, n);
                MemorySegment.copy(values, 0, host, JAVA_INT, 0, n);
                driver.copyHostToDevice(ids, host, 4L * n, stream, lastKernel);
            }
        }
        return ids;
    }

    @Override
    public synchronized long scratch(int slot, long bytes) {
        enter();
        if (bytes > scratchBytes[slot]) {
            if (scratch[slot] != 0) {
                driver.synchronize(stream, lastKernel);
                driver.free(scratch[slot], lastKernel);
            }
            scratch[slot] = driver.allocate(Math.max(bytes, 4));
            scratchBytes[slot] = bytes;
        }
        return scratch[slot];
    }

    @Override
    public synchronized void launch(LaunchGeometry geometry, KernelArgs args) {
        enter();
        CudaKernel kernel = args.kernel();
        kernel.checkGeometry(geometry);
        driver.launch(functions.get(kernel), kernel.entry(), geometry, stream, args.packInto(argumentBlock));
        lastKernel = kernel.entry();
    }

    @Override
    public synchronized void gemm(Gemm gemm) {
        if (cublas == null) {
            launch(TiledGemm.geometry(gemm), TiledGemm.args(gemm));
            return;
        }
        enter();
        cublas.sgemm(blas, gemm);
        lastKernel = "cublasSgemm";
    }

    @Override
    public synchronized void gemm16(Gemm gemm, int operandType) {
        requireBlas("a 16-bit GEMM");
        enter();
        cublas.gemm16(blas, gemm, operandType);
        lastKernel = "cublasGemmEx";
    }

    @Override
    public synchronized void gemmBatched(BatchedGemm gemm, int operandType) {
        requireBlas("a batched GEMM");
        enter();
        cublas.gemmStridedBatched(blas, gemm, operandType);
        lastKernel = operandType == CublasApi.R_32F ? "cublasSgemmStridedBatched" : "cublasGemmStridedBatchedEx";
    }

    @Override
    public synchronized boolean gemmBias(Gemm gemm, int operandType, long bias) {
        if (epilogue == null) {
            return false;
        }
        enter();
        if (!epilogue.queue(gemm, operandType, bias, blasWorkspace, stream)) {
            return false;
        }
        lastKernel = "cublasLtMatmul";
        return true;
    }

    @Override
    public synchronized String biasEpilogue() {
        return epilogue == null ? noEpilogue : epilogue.describe();
    }

    @Override
    public boolean hasBlas() {
        return cublas != null;
    }

    private void requireBlas(String what) {
        if (cublas == null) {
            throw new IllegalStateException(what + " needs cuBLAS, and " + CudaOptions.GEMM_VARIABLE
                    + "=builtin left it out; the baseline kernels (" + CudaOptions.KERNELS_VARIABLE
                    + "=baseline) need none");
        }
    }

    /** Blocks until the work queued so far is done, through an event recorded on the stream. */
    @Override
    public synchronized void synchronize() {
        enter();
        MemorySegment event = driver.createEvent();
        try {
            driver.record(event, stream, lastKernel);
            driver.synchronizeEvent(event, lastKernel);
        } finally {
            driver.destroyEvent(event);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        enter();
        closed = true;
        try {
            driver.synchronize(stream, lastKernel);
        } finally {
            for (int i = 0; i < SCRATCH_SLOTS; i++) {
                if (scratch[i] != 0) {
                    driver.free(scratch[i], "");
                }
            }
            if (ids != 0) {
                driver.free(ids, "");
            }
            if (epilogue != null) {
                epilogue.close();
            }
            if (cublas != null) {
                cublas.destroy(blas);
                driver.free(blasWorkspace, "");
            }
            for (MemorySegment module : modules) {
                driver.unloadModule(module);
            }
            driver.destroyStream(stream);
            driver.releasePrimaryContext(device);
        }
    }
}
