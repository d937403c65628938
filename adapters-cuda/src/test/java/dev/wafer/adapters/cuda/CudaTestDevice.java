package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wafer.ports.backend.BackendAvailability;

/**
 * Opens the CUDA backend for tests, or skips them with the reason where this machine has no usable GPU (no driver,
 * no device, no NVRTC or cuBLAS). With {@code WAFER_EXPECT_CUDA=1} (a GPU machine) the reason is a failure instead.
 */
final class CudaTestDevice {
    private static String reason;

    private CudaTestDevice() {
    }

    static boolean expected() {
        return "1".equals(System.getenv("WAFER_EXPECT_CUDA"));
    }

    /**
     * Skips a compile-only check (NVRTC's output read on the host, no device used) where a GPU is under test
     * ({@code WAFER_EXPECT_CUDA=1}): CI runs it on every build, the backend compiles every kernel file with the GPU
     * machine's NVRTC when it opens (and reads the device's own registers and spills), and in the GPU check's test
     * phase it would only spend the minutes the device suites and the benches need. Without a GPU under test it runs,
     * and fails under {@code WAFER_EXPECT_NVRTC=1} where NVRTC is missing, as before.
     *
     * @param what the check, for the skip's reason
     */
    static void skipCompileOnlyCheck(String what) {
        assumeTrue(!expected(), "a GPU is under test (WAFER_EXPECT_CUDA=1): " + what + " is a compile-only check"
                + " that CI runs on every build; the backend compiles every kernel with this machine's NVRTC when it"
                + " opens, and this check would spend the GPU check's test time");
    }

    /** A backend on device 0, or {@code null} with the reason kept for {@link #assumeDevice()}. */
    static CudaBackend openIfAvailable() {
        BackendAvailability probe = new CudaBackendProbe().probe();
        if (!probe.available()) {
            return unavailable(probe.detail() + " (" + probe.remedy() + ")");
        }
        try {
            return CudaBackend.open();
        } catch (CudaUnavailableException e) {
            return unavailable(e.getMessage() + " (" + e.remedy() + ")");
        }
    }

    private static CudaBackend unavailable(String why) {
        reason = why;
        if (expected()) {
            fail("WAFER_EXPECT_CUDA=1 but " + why);
        }
        return null;
    }

    /** Skips (or, when CUDA is expected, fails) unless {@code backend} opened. */
    static void assumeDevice(CudaBackend backend) {
        if (backend == null) {
            if (expected()) {
                fail("WAFER_EXPECT_CUDA=1 but " + reason);
            }
            assumeTrue(false, "CUDA tests skipped: " + reason);
        }
    }
}
