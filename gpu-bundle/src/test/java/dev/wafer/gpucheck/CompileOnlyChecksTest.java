package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU check's test phase ({@code WAFER_EXPECT_CUDA=1}) skips the CUDA adapter's compile-only checks, which CI runs
 * on every build: NVRTC compiling every kernel file for compute_80 and compute_90 ({@code KernelCompilationTest}),
 * precompiling them all for another machine ({@code PrebuiltPtxTest}), ptxas's registers and spills
 * ({@code KernelResourcesTest}) and the fast kernels' PTX instructions ({@code FastKernelArithmeticTest}). Until
 * 2026-12-07 the first two and the last ran there, about a minute of the phase's 180 s on a loaded host, and they
 * check nothing the backend does not when it opens on the device. Their classes stay in the phase (no tag leaves them out, so
 * {@link TestChildTest} still finds them), and the checks of the machine's NVRTC that cost nothing there (its version
 * and architectures, a compiler error's log, the prebuilt PTX's refusals) still run.
 */
class CompileOnlyChecksTest {
    /** The checks that compile every kernel file, by their test path's start. */
    private static final List<String> COMPILE_ONLY = List.of("KernelCompilationTest > compilesWithNvrtc",
            "PrebuiltPtxTest > precompiledKernelsOpenWithoutNvrtc", "PrebuiltPtxTest > anIncompleteSetIsRefused",
            "KernelResourcesTest > everyKernelFitsItsLargestBlockWithoutSpilling", "FastKernelArithmeticTest > ");

    @Test
    void theGpuPhaseSkipsTheKernelCompilesAndRunsTheRest(@TempDir Path tmp) {
        TestSuite suite = new TestSuite("tests fast", List.of("class:" + TestSuite.TEST_PACKAGE
                + ".KernelCompilationTest", "class:" + TestSuite.TEST_PACKAGE + ".PrebuiltPtxTest",
                "class:" + TestSuite.TEST_PACKAGE + ".KernelResourcesTest",
                "class:" + TestSuite.TEST_PACKAGE + ".FastKernelArithmeticTest"), KernelChoice.FAST);
        TestPhase phase = TestPhase.run(Children.ofThisJvm(), suite, Map.of("WAFER_EXPECT_CUDA", "1"),
                Duration.ofSeconds(300), tmp);
        assertTrue(phase.log().done(), phase.run().output());
        List<TestOutcome> compiles = phase.log().outcomes().stream()
                .filter(o -> COMPILE_ONLY.stream().anyMatch(o.test()::startsWith)).toList();
        List<TestOutcome> others = phase.log().outcomes().stream().filter(o -> !compiles.contains(o)).toList();
        // 12 kernel files for two architectures in the two parameterised checks, the two precompiling ones and the
        // four of the fast kernels' instructions.
        assertTrue(compiles.size() >= 2 * 2 * 12 + 2 + 4, "the compile-only checks ran: " + compiles);
        for (TestOutcome o : compiles) {
            assertEquals(TestOutcome.Status.SKIPPED, o.status(), o.toString());
            assertTrue(o.detail().contains("a GPU is under test (WAFER_EXPECT_CUDA=1)")
                    && o.detail().contains("compile-only check"), o.toString());
        }
        assertTrue(others.size() >= 4, "the cheap checks are still in the phase: " + others);
        for (TestOutcome o : others) {
            // Passed, or skipped for want of NVRTC where it is not installed (CI installs it; a GPU machine has it).
            assertTrue(o.status() == TestOutcome.Status.PASSED || o.status() == TestOutcome.Status.SKIPPED
                    && o.detail().contains("NVRTC is not installed"), o.toString());
        }
    }
}
