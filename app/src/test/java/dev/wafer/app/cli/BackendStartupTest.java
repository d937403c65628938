package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.wafer.app.backend.BackendCatalog;
import dev.wafer.app.backend.FakeBackend;
import dev.wafer.ports.backend.BackendProbe;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Start-up as the user sees it: which backend a command gets, and the one line when it cannot run. */
class BackendStartupTest {

    /** Stands in for a real computing command (train, eval): records the backend it was given. */
    @Command(name = "compute")
    static final class ComputeCommand implements Runnable {
        @Inject
        BackendProbe backend;

        String ranWith;

        @Override
        public void run() {
            ranWith = backend.name();
        }
    }

    private static final String OPENCL_UNAVAILABLE = "wafer: backend 'opencl' is unavailable: no OpenCL platform"
            + " found. Install an OpenCL driver (e.g. Debian's pocl-opencl-icd) or choose --backend cpu.";

    private final BackendCatalog catalog = BackendCatalog.of(List.of(
            FakeBackend.available("cpu"),
            FakeBackend.unavailable("opencl", "no OpenCL platform found",
                    "Install an OpenCL driver (e.g. Debian's pocl-opencl-icd)")));
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ComputeCommand compute = new ComputeCommand();

    private int run(Map<String, String> env, String... args) {
        CommandLine cli = WaferCommand.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, catalog);
        cli.addSubcommand(compute);
        return cli.execute(args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void defaultBackendIsInjected() {
        assertEquals(0, run(Map.of(), "compute"));
        assertEquals("cpu", compute.ranWith);
        assertEquals("", err());
    }

    @Test
    void unavailableBackendStopsStartUpWithOneLineAndExitCode3() {
        assertEquals(3, run(Map.of(), "--backend", "opencl", "compute"));
        assertEquals(OPENCL_UNAVAILABLE + System.lineSeparator(), err());
        assertNull(compute.ranWith, "the command must not run");
    }

    @Test
    void backendFlagAfterTheSubcommandWorksToo() {
        assertEquals(3, run(Map.of(), "compute", "--backend", "opencl"));
        assertEquals(OPENCL_UNAVAILABLE + System.lineSeparator(), err());
    }

    @Test
    void environmentSelectsTheBackend() {
        assertEquals(3, run(Map.of("WAFER_BACKEND", "opencl"), "compute"));
        assertEquals(OPENCL_UNAVAILABLE + System.lineSeparator(), err());
    }

    @Test
    void flagOverridesTheEnvironment() {
        assertEquals(0, run(Map.of("WAFER_BACKEND", "opencl"), "--backend", "cpu", "compute"));
        assertEquals("cpu", compute.ranWith);
    }

    @Test
    void unknownBackendIsAUserErrorListingValidNames() {
        assertEquals(2, run(Map.of(), "--backend", "tpu", "compute"));
        assertEquals("wafer: unknown backend 'tpu' (from --backend); choose one of: cpu, opencl"
                + System.lineSeparator(), err());
        assertNull(compute.ranWith);
    }

    @Test
    void backendsCommandRunsEvenWhenTheSelectedBackendCannot() {
        assertEquals(0, run(Map.of("WAFER_BACKEND", "opencl"), "backends"));
        assertEquals("", err());
        assertFalse(out.toString(StandardCharsets.UTF_8).isEmpty());
    }

    @Test
    void helpNeedsNoBackend() {
        assertEquals(0, run(Map.of("WAFER_BACKEND", "opencl"), "--help"));
        assertEquals(0, run(Map.of("WAFER_BACKEND", "opencl")));
        assertEquals("", err());
    }

    /** An unknown WAFER_BACKEND stopped the commands that compute nothing (exit 2), wafer backends included. */
    @Test
    void anUnknownEnvironmentBackendDoesNotStopCommandsThatComputeNothing() {
        Map<String, String> env = Map.of("WAFER_BACKEND", "bogus");
        assertEquals(0, run(env, "backends"));
        assertEquals("wafer: note: WAFER_BACKEND names an unknown backend 'bogus'; computing commands refuse it"
                + " until it is one of: cpu, opencl" + System.lineSeparator(), err());
        err.reset();
        assertEquals(0, run(env, "models"));
        assertEquals(0, run(env, "plan", "--flops", "1e20"));
        assertEquals("", err());
        assertEquals(2, run(env, "compute"));
        assertEquals("wafer: unknown backend 'bogus' (from WAFER_BACKEND); choose one of: cpu, opencl"
                + System.lineSeparator(), err());
    }
}
