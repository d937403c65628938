package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The runner's command line: the deadline from its option, else the environment, else 420 s; the groups --skip names
 * and the kernels --kernels names.
 */
class OptionsTest {

    private static final String[] BASE = {"--mode", "rehearse", "--report", "r.json", "--torch-script", "t.py"};

    private static String[] with(String... more) {
        String[] all = new String[BASE.length + more.length];
        System.arraycopy(BASE, 0, all, 0, BASE.length);
        System.arraycopy(more, 0, all, BASE.length, more.length);
        return all;
    }

    /** The report quotes the launcher's command for the run, whichever way its deadline was given. */
    @Test
    void theCommandIsTheLaunchersWithTheDeadlineInForce() {
        assertEquals("gpu-check --rehearse --deadline 420 --report r.json", Options.parse(BASE, Map.of()).command());
        assertEquals("gpu-check --rehearse --deadline 300 --skip tests,train --kernels baseline --report r.json",
                Options.parse(with("--skip", "tests,train", "--kernels", "baseline"),
                        Map.of(Options.DEADLINE_ENV, "300")).command());
        String[] gpu = {"--mode", "gpu", "--report", "/out/gpu-check.json", "--torch-script", "t.py", "--deadline",
            "540"};
        assertEquals("gpu-check --deadline 540 --report /out/gpu-check.json", Options.parse(gpu, Map.of()).command());
    }

    @Test
    void theDeadlineDefaultsTo420Seconds() {
        Options o = Options.parse(BASE, Map.of());
        assertEquals(Duration.ofSeconds(420), o.deadline());
        assertEquals(Options.Mode.REHEARSE, o.mode());
    }

    @Test
    void theOptionWinsOverTheEnvironment() {
        Map<String, String> env = Map.of(Options.DEADLINE_ENV, "300");
        assertEquals(Duration.ofSeconds(300), Options.parse(BASE, env).deadline());
        assertEquals(Duration.ofSeconds(90), Options.parse(with("--deadline", "90"), env).deadline());
    }

    @Test
    void aBadDeadlineIsOneLineNamingItsSource() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Options.parse(BASE, Map.of(Options.DEADLINE_ENV, "7m")));
        assertEquals("WAFER_GPU_CHECK_DEADLINE: expected a positive number of seconds, found '7m'", e.getMessage());
        var zero = assertThrows(IllegalArgumentException.class, () -> Options.parse(with("--deadline", "0"),
                Map.of()));
        assertEquals("--deadline: expected a positive number of seconds, found '0'", zero.getMessage());
    }

    @Test
    void anUnknownModeIsRefused() {
        String[] args = BASE.clone();
        args[1] = "fast";
        assertEquals("--mode: expected gpu, cpu-part or rehearse, found 'fast'",
                assertThrows(IllegalArgumentException.class, () -> Options.parse(args, Map.of())).getMessage());
    }

    @Test
    void aWholeCheckSkipsNothingAndBenchesTheFastKernelsUnlessTheTestsSayOtherwise() {
        Options o = Options.parse(BASE, Map.of());
        assertEquals(List.of(), o.skip());
        assertEquals(KernelChoice.FAST, o.kernels());
    }

    @Test
    void skipTakesAListOfGroupsInItsOrderEachOnce() {
        Options o = Options.parse(with("--skip", "train, tests,train"), Map.of());
        assertEquals(List.of("train", "tests"), o.skip());
        assertTrue(o.skips("tests") && o.skips("train") && !o.skips("bench"));
    }

    @Test
    void anUnknownGroupIsRefusedNamingTheGroupsThereAre() {
        var e = assertThrows(IllegalArgumentException.class, () -> Options.parse(with("--skip", "tests,benches"),
                Map.of()));
        assertEquals("--skip: expected a comma-separated list of tests, bench, pytorch, train, found 'benches' in"
                + " 'tests,benches'", e.getMessage());
        var device = assertThrows(IllegalArgumentException.class, () -> Options.parse(with("--skip", "device"),
                Map.of()));
        assertTrue(device.getMessage().contains("found 'device'"), device.getMessage());
    }

    @Test
    void kernelsAreNamedOnlyWhenTheTestsThatWouldChooseThemAreSkipped() {
        assertEquals(KernelChoice.FAST_UNFUSED, Options.parse(with("--skip", "tests", "--kernels", "fast-unfused"),
                Map.of()).kernels());
        var untested = assertThrows(IllegalArgumentException.class, () -> Options.parse(with("--kernels",
                "baseline"), Map.of()));
        assertEquals("--kernels baseline: only with --skip tests (the tests choose the kernels when they run)",
                untested.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class, () -> Options.parse(with("--skip", "tests",
                "--kernels", "fused"), Map.of()));
        assertEquals("--kernels: expected fast, fast-unfused, baseline, found 'fused'", unknown.getMessage());
    }
}
