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
