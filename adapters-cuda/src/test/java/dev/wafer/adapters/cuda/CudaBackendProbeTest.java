package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.ports.backend.BackendAvailability;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class CudaBackendProbeTest {

    /** A driver that fails the named call with the given code and otherwise reports {@code devices} GPUs. */
    private record FakeDriver(String failing, int code, int devices) implements CudaDriver {
        private void maybeFail(String call) throws CudaException {
            if (call.equals(failing)) {
                throw new CudaException(call, code);
            }
        }

        @Override
        public void init() throws CudaException {
            maybeFail("cuInit");
        }

        @Override
        public int driverVersion() throws CudaException {
            maybeFail("cuDriverGetVersion");
            return 13000;
        }

        @Override
        public int deviceCount() throws CudaException {
            maybeFail("cuDeviceGetCount");
            return devices;
        }

        @Override
        public String deviceName(int ordinal) throws CudaException {
            maybeFail("cuDeviceGetName");
            return "Fake GPU " + ordinal;
        }

        @Override
        public int attribute(int ordinal, int attribute) throws CudaException {
            maybeFail("cuDeviceGetAttribute");
            return switch (attribute) {
                case DriverApi.COMPUTE_CAPABILITY_MAJOR -> 9;
                case DriverApi.COMPUTE_CAPABILITY_MINOR -> 0;
                case DriverApi.MULTIPROCESSOR_COUNT -> 132;
                default -> throw new CudaException("cuDeviceGetAttribute", 1);
            };
        }

        @Override
        public long[] memoryInfo(int ordinal) throws CudaException {
            maybeFail("cuMemGetInfo");
            return new long[] {140_000_000_000L + ordinal, 150_000_000_000L};
        }
    }

    private static final CudaBackendProbe.LibraryVersions LIBRARIES = new CudaBackendProbe.LibraryVersions() {
        @Override
        public String nvrtc(int cudaMajor) {
            // The major the probe passes shows in the fact, so the tests see that it is the driver's.
            return "12.8 (libnvrtc.so.12) for CUDA " + cudaMajor;
        }

        @Override
        public String cublas(int cudaMajor) {
            return "12.8.4 (libcublas.so.12) for CUDA " + cudaMajor;
        }

        @Override
        public void require(CudaOptions options, int cudaMajor) {
        }
    };

    /** Libraries whose cuBLAS is missing, loaded as {@link BlasLibraries#load} loads them: refused unless builtin. */
    private static final CudaBackendProbe.LibraryVersions NO_CUBLAS = new CudaBackendProbe.LibraryVersions() {
        @Override
        public String nvrtc(int cudaMajor) {
            return LIBRARIES.nvrtc(cudaMajor);
        }

        @Override
        public String cublas(int cudaMajor) {
            return "absent (tried libcublas.so.13, libcublas.so.12, libcublas.so.11)";
        }

        @Override
        public void require(CudaOptions options, int cudaMajor) {
            if (!options.builtinGemm()) {
                throw new CudaUnavailableException("cuBLAS not found (tried libcublas.so.13)", "Install cuBLAS");
            }
        }
    };

    /**
     * Without cuBLAS, {@code backends} said "available" (only {@code cublas: absent} among the facts) while every
     * computing command refused the backend; it now decides as opening the backend does, honouring
     * {@code WAFER_CUDA_GEMM=builtin}.
     */
    @Test
    void missingCublasIsUnavailableUnlessTheBuiltinGemmIsChosen() {
        BackendAvailability a = new CudaBackendProbe(() -> new FakeDriver("none", 0, 1), NO_CUBLAS, Map.of()).probe();
        assertFalse(a.available());
        assertEquals("cuBLAS not found (tried libcublas.so.13)", a.detail());
        assertEquals("Install cuBLAS", a.remedy());
        BackendAvailability builtin = new CudaBackendProbe(() -> new FakeDriver("none", 0, 1), NO_CUBLAS,
                Map.of(CudaOptions.GEMM_VARIABLE, "builtin")).probe();
        assertTrue(builtin.available(), builtin::detail);
    }

    /** The real loading: the remedy of a missing cuBLAS names the setting that runs without it. */
    @Test
    void aMissingCublasNamesTheBuiltinGemmInItsRemedy() {
        Assumptions.assumeFalse(NativeLibrary.find(CublasApi.SONAMES).isPresent(), "cuBLAS loads on this machine");
        CudaUnavailableException e = org.junit.jupiter.api.Assertions.assertThrows(CudaUnavailableException.class,
                () -> BlasLibraries.load(CudaOptions.fromEnvironment(Map.of()), 12));
        assertTrue(e.getMessage().startsWith("cuBLAS not found"), e::getMessage);
        assertTrue(e.remedy().startsWith(CublasApi.REMEDY) && e.remedy().contains("WAFER_CUDA_GEMM=builtin"),
                e::remedy);
        assertEquals(new BlasLibraries(null, null),
                BlasLibraries.load(CudaOptions.fromEnvironment(Map.of(CudaOptions.GEMM_VARIABLE, "builtin")), 12));
    }

    private static BackendAvailability probeWith(CudaDriverLoader loader) {
        return new CudaBackendProbe(loader, LIBRARIES, Map.of()).probe();
    }

    @Test
    void missingLibraryThroughJniIsUnavailable() {
        BackendAvailability a = probeWith(() -> {
            throw new UnsatisfiedLinkError("no cuda in java.library.path");
        });
        assertFalse(a.available());
        assertEquals("libcuda.so.1 not found, so no NVIDIA driver is installed"
                + " (UnsatisfiedLinkError: no cuda in java.library.path)", a.detail());
        assertEquals("Install the NVIDIA driver on a machine with an NVIDIA GPU", a.remedy());
    }

    @Test
    void missingLibraryThroughFfmIsUnavailable() {
        BackendAvailability a = probeWith(() -> {
            throw new IllegalArgumentException("Cannot open library: libcuda.so.1");
        });
        assertFalse(a.available());
        assertTrue(a.detail().startsWith("libcuda.so.1 not found"), a::detail);
        assertTrue(a.detail().endsWith("(IllegalArgumentException: Cannot open library: libcuda.so.1)"), a::detail);
    }

    @Test
    void cuInitWithoutDeviceReportsCode100AndItsMeaning() {
        BackendAvailability a = probeWith(() -> new FakeDriver("cuInit", 100, 0));
        assertFalse(a.available());
        assertEquals("cuInit failed: CUDA error 100 (CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected)",
                a.detail());
        assertTrue(a.remedy().contains("NVIDIA GPU"), a::remedy);
    }

    @Test
    void cuInitWithOldDriverReportsCode35AndAdvisesAnUpdate() {
        BackendAvailability a = probeWith(() -> new FakeDriver("cuInit", 35, 1));
        assertFalse(a.available());
        assertTrue(a.detail().startsWith("cuInit failed: CUDA error 35 (insufficient driver"), a::detail);
        assertTrue(a.remedy().startsWith("Install an NVIDIA driver that supports"), a::remedy);
    }

    @Test
    void unknownCodeKeepsItsNumber() {
        BackendAvailability a = probeWith(() -> new FakeDriver("cuDeviceGetCount", 12345, 1));
        assertFalse(a.available());
        assertEquals("cuDeviceGetCount failed: CUDA error 12345 (not a code this version of Wafer knows)",
                a.detail());
        assertFalse(a.remedy().isBlank());
    }

    @Test
    void zeroDevicesIsUnavailable() {
        BackendAvailability a = probeWith(() -> new FakeDriver("none", 0, 0));
        assertFalse(a.available());
        assertEquals("the NVIDIA driver reports no CUDA device", a.detail());
    }

    @Test
    void failingDownCallIsUnavailableNotThrown() {
        CudaDriver brokenNames = new CudaDriver() {
            @Override
            public void init() {
            }

            @Override
            public int driverVersion() {
                return 12040;
            }

            @Override
            public int deviceCount() {
                return 1;
            }

            @Override
            public String deviceName(int ordinal) {
                throw new IllegalStateException("native call failed");
            }

            @Override
            public int attribute(int ordinal, int attribute) {
                return 0;
            }

            @Override
            public long[] memoryInfo(int ordinal) {
                return new long[] {1, 1};
            }
        };
        BackendAvailability a = probeWith(() -> brokenNames);
        assertFalse(a.available());
        assertEquals("the NVIDIA driver cannot be used (IllegalStateException: native call failed)", a.detail());
    }

    @Test
    void workingDriverListsVersionAndDevices() {
        BackendAvailability a = probeWith(() -> new FakeDriver("none", 0, 2));
        assertTrue(a.available());
        assertEquals("driver 13.0, 2 devices: Fake GPU 0, Fake GPU 1", a.detail());
        // Runs are sized against the selected device's free memory, not the JVM heap.
        assertEquals(140_000_000_000L, a.deviceMemoryBytes().orElseThrow());
        assertEquals(Map.ofEntries(Map.entry("gpu", "Fake GPU 0"), Map.entry("device_ordinal", "0"),
                Map.entry("device_placement", "device 0"), Map.entry("compute_capability", "9.0"),
                Map.entry("sm_count", "132"), Map.entry("total_memory_bytes", "150000000000"),
                Map.entry("free_memory_bytes", "140000000000"), Map.entry("driver", "13.0"),
                Map.entry("nvrtc", "12.8 (libnvrtc.so.12) for CUDA 13"),
                Map.entry("cublas", "12.8.4 (libcublas.so.12) for CUDA 13")),
                a.properties());
    }

    @Test
    void eachLocalRankIsSizedAgainstItsOwnDevice() {
        CudaOptions options = CudaOptions.fromEnvironment(Map.of());
        BackendAvailability second = new CudaBackendProbe(() -> new FakeDriver("none", 0, 2), LIBRARIES,
                () -> options.onLocalRank(1, 2)).probe();
        assertEquals("Fake GPU 1", second.properties().get("gpu"));
        assertEquals("device 1 (local rank 1 of 2)", second.properties().get("device_placement"));
        assertEquals(140_000_000_001L, second.deviceMemoryBytes().orElseThrow());

        BackendAvailability crowded = new CudaBackendProbe(() -> new FakeDriver("none", 0, 2), LIBRARIES,
                () -> options.onLocalRank(0, 3)).probe();
        assertFalse(crowded.available());
        assertEquals("3 ranks of this job run on this machine but the driver reports 2 devices, so ranks would share"
                + " a GPU", crowded.detail());
        assertTrue(crowded.remedy().contains("mpirun --map-by ppr:2:node"), crowded::remedy);
    }

    @Test
    void theDeviceVariableSelectsWhichDeviceIsMeasured() {
        BackendAvailability a = new CudaBackendProbe(() -> new FakeDriver("none", 0, 2), LIBRARIES,
                Map.of(CudaOptions.DEVICE_VARIABLE, "1")).probe();
        assertEquals("Fake GPU 1", a.properties().get("gpu"));
        assertEquals(140_000_000_001L, a.deviceMemoryBytes().orElseThrow());
        BackendAvailability beyond = new CudaBackendProbe(() -> new FakeDriver("none", 0, 2), LIBRARIES,
                Map.of(CudaOptions.DEVICE_VARIABLE, "2")).probe();
        assertFalse(beyond.available());
        assertEquals("WAFER_CUDA_DEVICE selects device 2 but the driver reports 2 devices", beyond.detail());
        BackendAvailability garbled = new CudaBackendProbe(() -> new FakeDriver("none", 0, 2), LIBRARIES,
                Map.of(CudaOptions.DEVICE_VARIABLE, "first")).probe();
        assertFalse(garbled.available());
        assertTrue(garbled.detail().contains("found 'first'"), garbled::detail);
    }

    @Test
    void aFailingMemoryQueryIsUnavailableWithTheDriversCode() {
        BackendAvailability a = probeWith(() -> new FakeDriver("cuMemGetInfo", 2, 1));
        assertFalse(a.available());
        assertTrue(a.detail().startsWith("cuMemGetInfo failed: CUDA error 2"), a::detail);
    }

    /** The real driver lookup on this machine, which the project's build machines lack. */
    @Test
    void realProbeReportsTheMissingDriverLibrary() {
        Assumptions.assumeFalse(libcudaLoads(),
                "libcuda.so.1 is loadable on this machine, so the no-driver report cannot be checked here");
        BackendAvailability a = new CudaBackendProbe().probe();
        assertFalse(a.available());
        assertTrue(a.detail().contains("libcuda.so.1"), a::detail);
        assertFalse(a.remedy().isBlank());
    }

    @SuppressWarnings("restricted") // Only looks the library up, to decide whether this test can run here.
    private static boolean libcudaLoads() {
        try {
            SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
