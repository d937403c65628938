package dev.wafer.adapters.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening the OpenCL backend leaves the JVM's signal handlers in place. PoCL's LLVM replaces them with one-shot
 * handlers when the platform starts; the JVM takes SIGSEGV at every safepoint poll, so two threads faulting at once
 * killed a test JVM (exit 139, no error report). The check runs in a child JVM started without {@code libjsig}
 * (which the test forks preload, and which would hide most of the replacement), so it is the backend's own guard
 * that is tested.
 */
class OpenClSignalHandlersTest {
    @TempDir
    Path tmp;

    @Test
    void openingTheBackendKeepsTheJvmsSignalHandlers() throws Exception {
        OpenClTestDevice.assumeDevice();
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                SignalHandlersAcrossOpenCl.class.getName());
        Path out = tmp.resolve("child.out");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().remove("LD_PRELOAD");
        Process child = pb.start();
        if (!child.waitFor(3, TimeUnit.MINUTES)) {
            child.destroyForcibly();
            fail("the child did not finish within 3 minutes: " + Files.readString(out));
        }
        String output = Files.readString(out);
        if (child.exitValue() == 4) {
            assumeTrue(!OpenClTestDevice.expected(), "WAFER_EXPECT_OPENCL=1 but " + output);
            assumeTrue(false, output);
        }
        assertEquals(0, child.exitValue(), output);
    }
}
