package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;

/**
 * NVRTC for tests: loaded when installed, a skip with the reason when not, and a failure instead when
 * {@code WAFER_EXPECT_NVRTC=1} (CI installs Debian's {@code libnvrtc11.2}, which runs without a GPU).
 */
final class NvrtcTestCompiler {
    private static final Optional<NvrtcApi> NVRTC = NativeLibrary.find(NvrtcApi.SONAMES).map(NvrtcApi::new);

    private NvrtcTestCompiler() {
    }

    static boolean expected() {
        return "1".equals(System.getenv("WAFER_EXPECT_NVRTC"));
    }

    /** Returns when NVRTC is installed; otherwise skips the test (or, when expected, fails it) with the reason. */
    static void requireInstalled() {
        require();
    }

    /** NVRTC, or a skipped (or, when expected, failed) test. */
    static NvrtcApi require() {
        if (NVRTC.isEmpty()) {
            String reason = "NVRTC is not installed (tried " + String.join(", ", NvrtcApi.SONAMES) + ")";
            if (expected()) {
                fail("WAFER_EXPECT_NVRTC=1 but " + reason);
            }
            assumeTrue(false, "NVRTC tests skipped: " + reason);
        }
        return NVRTC.get();
    }
}
