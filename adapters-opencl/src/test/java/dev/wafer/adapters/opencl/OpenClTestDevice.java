package dev.wafer.adapters.opencl;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Opens the OpenCL backend for tests, or skips them with the reason when this machine has no OpenCL platform.
 * With {@code WAFER_EXPECT_OPENCL=1} (CI, after installing PoCL) a missing platform fails instead. The device is
 * chosen by {@code WAFER_OPENCL_DEVICE} (e.g. {@code platform=0,device=cpu}); default: the first.
 */
final class OpenClTestDevice {
    private OpenClTestDevice() {
    }

    static boolean expected() {
        return "1".equals(System.getenv("WAFER_EXPECT_OPENCL"));
    }

    static ClDeviceSelector selector() {
        return ClDeviceSelector.parse(System.getenv().getOrDefault("WAFER_OPENCL_DEVICE", ""));
    }

    /** Skips (or, when OpenCL is expected, fails) unless the selected device exists. */
    static void assumeDevice() {
        try {
            selector().select();
        } catch (ClUnavailableException e) {
            if (expected()) {
                fail("WAFER_EXPECT_OPENCL=1 but " + e.getMessage());
            }
            assumeTrue(false, "OpenCL tests skipped: " + e.getMessage());
        }
    }

    /**
     * A backend on the selected device; {@code null} where there is none (tests then skip in {@link #assumeDevice}),
     * a failure where OpenCL is expected.
     */
    static ClBackend openIfAvailable() {
        try {
            selector().select();
        } catch (ClUnavailableException e) {
            if (expected()) {
                fail("WAFER_EXPECT_OPENCL=1 but " + e.getMessage());
            }
            return null;
        }
        return new ClBackend(selector());
    }

    /** A backend on the selected device, or a skipped (or failed) test. */
    static ClBackend open() {
        assumeDevice();
        return new ClBackend(selector());
    }
}
