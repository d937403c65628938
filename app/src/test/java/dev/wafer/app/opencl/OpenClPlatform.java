package dev.wafer.app.opencl;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wafer.adapters.opencl.ClDeviceSelector;
import dev.wafer.adapters.opencl.ClUnavailableException;

/** The guard of every OpenCL test of this module. */
public final class OpenClPlatform {
    private OpenClPlatform() {
    }

    /**
     * Returns where an OpenCL platform exists; otherwise skips the calling test with the reason, or fails it when
     * {@code WAFER_EXPECT_OPENCL=1}.
     */
    public static void require() {
        try {
            ClDeviceSelector.FIRST.select();
        } catch (ClUnavailableException e) {
            if ("1".equals(System.getenv("WAFER_EXPECT_OPENCL"))) {
                fail("WAFER_EXPECT_OPENCL=1 but " + e.getMessage());
            }
            assumeTrue(false, "OpenCL tests skipped: " + e.getMessage());
        }
    }
}
