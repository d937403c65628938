package dev.wafer.adapters.cuda;

import dev.wafer.ports.backend.BackendAvailability;
import dev.wafer.ports.backend.BackendProbe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reports whether CUDA can run here: the driver library loads, {@code cuInit} succeeds, at least
 * one device is present and the libraries the settings need load (cuBLAS and cuBLASLt unless
 * {@code WAFER_CUDA_GEMM=builtin} or {@code WAFER_CUDA_BIAS_EPILOGUE=0}), as opening the backend decides it. Every failure becomes "unavailable" with the driver's error code and its
 * meaning; nothing is thrown, since a machine without a GPU is a normal place to run.
 */
public final class CudaBackendProbe implements BackendProbe {
    /** The name users select this backend by. */
    public static final String NAME = "cuda";

    static final String INSTALL_DRIVER = "Install the NVIDIA driver on a machine with an NVIDIA GPU";

    private final CudaDriverLoader loader;
    private final LibraryVersions libraries;
    private final Optional<CudaOptions> options;
    private final String deviceProblem;

    /** A probe of this machine's NVIDIA driver and of the device {@code WAFER_CUDA_DEVICE} selects. */
    public CudaBackendProbe() {
        this(FfmCudaDriver::load, LibraryVersions.INSTALLED, System.getenv());
    }

    /**
     * A probe of this machine's NVIDIA driver and of the device that {@code options} place this process on (the one
     * a backend opened with them uses): what a rank of a data-parallel job is sized against.
     */
    public CudaBackendProbe(Supplier<CudaOptions> options) {
        this(FfmCudaDriver::load, LibraryVersions.INSTALLED, options);
    }

    CudaBackendProbe(CudaDriverLoader loader) {
        this(loader, LibraryVersions.INSTALLED, Map.of());
    }

    CudaBackendProbe(CudaDriverLoader loader, LibraryVersions libraries, Map<String, String> env) {
        this(loader, libraries, () -> CudaOptions.fromEnvironment(env));
    }

    CudaBackendProbe(CudaDriverLoader loader, LibraryVersions libraries, Supplier<CudaOptions> options) {
        this.loader = loader;
        this.libraries = libraries;
        Optional<CudaOptions> read;
        String problem = "";
        try {
            read = Optional.of(options.get());
        } catch (IllegalArgumentException e) {
            read = Optional.empty();
            problem = e.getMessage();
        }
        this.options = read;
        this.deviceProblem = problem;
    }

    /**
     * The versions of NVRTC and cuBLAS as reports show them, e.g. {@code 13.0 (libnvrtc.so.13)}, or why they
     * cannot be used: those the backend would load under a driver of CUDA major {@code cudaMajor}
     * ({@link NativeLibrary#preferringMajor}), and whether the libraries a backend needs load
     * ({@link #require}); a seam so that tests need not load the real libraries.
     */
    interface LibraryVersions {
        /** The libraries this machine has. */
        LibraryVersions INSTALLED = new LibraryVersions() {
            @Override
            public String nvrtc(int cudaMajor) {
                return InstalledLibraries.nvrtc(cudaMajor);
            }

            @Override
            public String cublas(int cudaMajor) {
                return InstalledLibraries.cublas(cudaMajor);
            }

            @Override
            public void require(CudaOptions options, int cudaMajor) {
                BlasLibraries.load(options, cudaMajor);
            }
        };

        String nvrtc(int cudaMajor);

        String cublas(int cudaMajor);

        /**
         * Loads the libraries a backend opened with {@code options} loads ({@link BlasLibraries#load}).
         *
         * @throws CudaUnavailableException as opening the backend would
         */
        void require(CudaOptions options, int cudaMajor);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BackendAvailability probe() {
        if (options.isEmpty()) {
            // The message names the variable at fault (WAFER_CUDA_KERNELS: expected ..., found ...).
            return BackendAvailability.unavailable(deviceProblem, "Correct that variable, or unset it");
        }
        CudaDriver driver;
        try {
            driver = loader.load();
        } catch (IllegalArgumentException | LinkageError e) {
            // FFM's library lookup throws IllegalArgumentException, JNI bindings UnsatisfiedLinkError:
            // both mean there is no usable driver library.
            return BackendAvailability.unavailable(
                    FfmCudaDriver.LIBRARY + " not found, so no NVIDIA driver is installed (" + oneLine(e) + ")",
                    INSTALL_DRIVER);
        }
        try {
            driver.init();
            int count = driver.deviceCount();
            if (count == 0) {
                return BackendAvailability.unavailable("the NVIDIA driver reports no CUDA device",
                        CudaErrors.remedy(100));
            }
            List<String> names = new ArrayList<>();
            for (int ordinal = 0; ordinal < count; ordinal++) {
                names.add(driver.deviceName(ordinal));
            }
            int ordinal;
            try {
                ordinal = options.get().device().resolve(count);
            } catch (CudaUnavailableException e) {
                return BackendAvailability.unavailable(e.getMessage(), e.remedy());
            }
            int driverCuda = driver.driverVersion();
            try {
                // What a run loads: a run would be refused without it, so the backend is unavailable.
                libraries.require(options.get(), driverCuda / 1000);
            } catch (CudaUnavailableException e) {
                return BackendAvailability.unavailable(e.getMessage(), e.remedy());
            }
            String driverVersion = version(driverCuda);
            long[] memory = driver.memoryInfo(ordinal);
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("gpu", names.get(ordinal));
            facts.put("device_ordinal", Integer.toString(ordinal));
            facts.put("device_placement", options.get().device().describe(ordinal));
            facts.put("compute_capability", driver.attribute(ordinal, DriverApi.COMPUTE_CAPABILITY_MAJOR) + "."
                    + driver.attribute(ordinal, DriverApi.COMPUTE_CAPABILITY_MINOR));
            facts.put("sm_count", Integer.toString(driver.attribute(ordinal, DriverApi.MULTIPROCESSOR_COUNT)));
            facts.put("total_memory_bytes", Long.toString(memory[1]));
            facts.put("free_memory_bytes", Long.toString(memory[0]));
            facts.put("driver", driverVersion);
            facts.put("nvrtc", libraries.nvrtc(driverCuda / 1000));
            facts.put("cublas", libraries.cublas(driverCuda / 1000));
            return BackendAvailability.availableDevice("driver " + driverVersion + ", "
                    + count + (count == 1 ? " device: " : " devices: ") + String.join(", ", names), memory[0], facts);
        } catch (CudaException e) {
            return BackendAvailability.unavailable(e.getMessage(), CudaErrors.remedy(e.code()));
        } catch (LinkageError | RuntimeException e) {
            // A driver too old to export a symbol, or a failing downcall: present but unusable.
            return BackendAvailability.unavailable("the NVIDIA driver cannot be used (" + oneLine(e) + ")",
                    CudaErrors.CHECK_DRIVER);
        }
    }

    /** CUDA encodes 13.0 as 13000. */
    private static String version(int encoded) {
        return encoded / 1000 + "." + encoded % 1000 / 10;
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName()
                + (message == null || message.isBlank() ? "" : ": " + message.strip().replaceAll("\\s+", " "));
    }
}
