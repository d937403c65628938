package dev.wafer.app.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.wafer.app.cli.WaferCommand;
import dev.wafer.conformance.tolerance.Tolerances;
import dev.wafer.domain.param.ParameterisationKind;

/**
 * The CLI's backend choice as a user exercises it: {@code wafer train --backend opencl} prints the same per-step
 * losses as {@code --backend cpu}. The backend itself under the real model (golden files, 20 steps against the
 * reference backend) is the backend suite's business ({@code ClBackendModelSuiteTest} in adapters-opencl); this
 * checks that the CLI wires the chosen backend through. Skipped with the reason where no OpenCL platform exists; a
 * failure instead when {@code WAFER_EXPECT_OPENCL=1}.
 */
class OpenClTrainCommandTest {
    private static final int STEPS = 20;

    @BeforeEach
    void requireOpenCl() {
        OpenClPlatform.require();
    }

    @ParameterizedTest
    @EnumSource(ParameterisationKind.class)
    void cliTrainingOnOpenClMatchesCpuStepByStep(ParameterisationKind kind) {
        String[] common = {"train", "--synthetic", "--d-model", "48", "--layers", "2", "--heads", "4", "--seq", "32",
            "--batch", "2", "--vocab", "211", "--steps", String.valueOf(STEPS), "--lr", "3e-3", "--json",
            "--parameterisation", kind.id()};
        double[] cpu = losses(common, "cpu");
        double[] cl = losses(common, "opencl");
        assertEquals(STEPS, cpu.length, "cpu steps");
        assertEquals(STEPS, cl.length, "opencl steps");
        for (int i = 0; i < STEPS; i++) {
            // Both backends are held to the reference within this tolerance by the backend suite.
            double tol = 2 * (Tolerances.MODEL_TRAINING_VS_REFERENCE.abs()
                    + Tolerances.MODEL_TRAINING_VS_REFERENCE.rel() * Math.abs(cpu[i]));
            assertTrue(Math.abs(cpu[i] - cl[i]) <= tol, kind + " step " + (i + 1) + ": cpu " + cpu[i] + " opencl "
                    + cl[i]);
        }
        assertTrue(cpu[STEPS - 1] < cpu[0], "loss must fall: " + cpu[0] + " -> " + cpu[STEPS - 1]);
    }

    private static double[] losses(String[] common, String backend) {
        String[] args = Arrays.copyOf(common, common.length + 2);
        args[common.length] = "--backend";
        args[common.length + 1] = backend;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WaferCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, backend + ": exit " + code + " " + err);
        return out.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("{\"step\""))
                .mapToDouble(l -> Double.parseDouble(l.replaceAll(".*\"loss\":([-0-9.eE]+).*", "$1")))
                .toArray();
    }
}
