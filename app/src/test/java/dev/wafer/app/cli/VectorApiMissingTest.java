package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.conformance.tolerance.Tolerances;

/**
 * {@code java -jar wafer.jar} without {@code --add-modules jdk.incubator.vector}: the CPU backend used to run its
 * scalar kernels then, about 50 times slower, without a word (a documented two-process benchmark printed nothing for
 * ten minutes). It now refuses in one line naming the flag, and runs the scalar kernels only when
 * {@code WAFER_CPU_KERNELS=scalar} asks, to the Vector kernels' losses within float32 rounding. Each run is a child
 * JVM on this test's classpath, started without the module.
 */
class VectorApiMissingTest {
    private static final List<String> TRAIN = List.of("train", "--synthetic", "--d-model", "32", "--layers", "1",
            "--heads", "2", "--seq", "16", "--vocab", "64", "--batch", "2", "--steps", "3", "--json", "--seed", "5");

    @TempDir
    Path tmp;

    @Test
    void withoutTheModuleTheCpuBackendRefusesInOneLineNamingTheFlag() throws Exception {
        CliRun run = child(false, Map.of(), TRAIN);
        assertEquals(WaferCommand.BACKEND_UNAVAILABLE, run.exitCode(), run.err());
        List<String> lines = run.err().lines().filter(l -> !l.startsWith("WARNING:")).toList();
        assertEquals(List.of("wafer: backend 'cpu' is unavailable: the Vector API module is not in this JVM (it was"
                + " started without --add-modules jdk.incubator.vector), and without it every CPU kernel runs its"
                + " scalar path, about 50 times slower. Start java with --add-modules jdk.incubator.vector (the wafer"
                + " launcher does), or set WAFER_CPU_KERNELS=scalar to run the scalar kernels anyway."), lines);
        assertTrue(run.out().isEmpty(), run.out());
    }

    @Test
    void theScalarKernelsRunWhenAskedForAndLandOnTheVectorKernelsLosses() throws Exception {
        CliRun scalar = child(false, Map.of("WAFER_CPU_KERNELS", "scalar"), TRAIN);
        assertEquals(0, scalar.exitCode(), scalar.err());
        CliRun vector = child(true, Map.of(), TRAIN);
        assertEquals(0, vector.exitCode(), vector.err());
        List<Double> a = losses(scalar);
        List<Double> b = losses(vector);
        assertEquals(3, a.size(), scalar.out());
        for (int i = 0; i < a.size(); i++) {
            // The two kernel sets sum in different orders: float32 rounding apart, as any two backends are.
            assertTrue(Tolerances.MODEL_TRAINING_VS_REFERENCE.accepts(b.get(i), a.get(i)),
                    "step " + (i + 1) + ": scalar " + a + ", vector " + b + "; "
                            + Tolerances.MODEL_TRAINING_VS_REFERENCE);
        }
    }

    /** What a library user's program does: open the CPU backend, then say which kernels it got. */
    public static final class OpenCpuBackend {
        public static void main(String[] args) {
            try (dev.wafer.adapters.cpu.CpuBackend backend = new dev.wafer.adapters.cpu.CpuBackend(1,
                    Boolean.parseBoolean(args[0]))) {
                System.out.println("opened, vectorized=" + backend.vectorized());
            } catch (IllegalStateException e) {
                System.out.println("refused: " + e.getMessage());
            }
        }
    }

    @Test
    void theLibrarysBackendAskedForTheVectorKernelsRefusesWithoutTheModule() throws Exception {
        CliRun vector = child(false, Map.of(), List.of("true"), OpenCpuBackend.class);
        assertEquals("refused: " + dev.wafer.adapters.cpu.CpuBackend.VECTOR_API_MISSING, vector.out().strip(),
                vector.err());
        CliRun scalar = child(false, Map.of(), List.of("false"), OpenCpuBackend.class);
        assertEquals("opened, vectorized=false", scalar.out().strip(), scalar.err());
    }

    @Test
    void anUnknownKernelChoiceIsRefusedNamingTheVariable() throws Exception {
        CliRun run = child(true, Map.of("WAFER_CPU_KERNELS", "avx"), TRAIN);
        assertEquals(WaferCommand.USAGE_ERROR, run.exitCode(), run.err());
        assertTrue(run.err().contains("wafer: WAFER_CPU_KERNELS must be vector or scalar, found 'avx'"), run.err());
    }

    private static List<Double> losses(CliRun run) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<Double> out = new ArrayList<>();
        for (String line : run.out().split("\n")) {
            if (line.startsWith("{\"step\"")) {
                JsonNode step = json.readTree(line);
                out.add(step.get("loss").asDouble());
            }
        }
        return out;
    }

    /** {@code wafer args} in a child JVM on this classpath, with or without the Vector API module. */
    private CliRun child(boolean vectorModule, Map<String, String> env, List<String> args) throws Exception {
        return child(vectorModule, env, args, WaferMain.class);
    }

    /** {@code main} of {@code mainClass} in a child JVM on this classpath, with or without the Vector API module. */
    private CliRun child(boolean vectorModule, Map<String, String> env, List<String> args, Class<?> mainClass)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        if (vectorModule) {
            command.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-Xss4m", "-Xmx512m", "-cp",
                System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(args);
        Path out = Files.createTempFile(tmp, "run", ".out");
        Path err = Files.createTempFile(tmp, "run", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("WAFER_CPU_KERNELS");
        pb.environment().remove("WAFER_BACKEND");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 3 minutes");
        }
        return new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
