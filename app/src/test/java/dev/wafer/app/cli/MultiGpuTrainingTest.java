package dev.wafer.app.cli;

import static dev.wafer.app.cli.MpiLauncher.losses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


/**
 * {@code mpirun -np 2 wafer train --backend cuda} on a machine with two (stand-in) GPUs: each rank opens the device of
 * its local rank, and the job follows the single-process CUDA run; on a machine with one GPU the job is refused in one
 * line, unless {@code WAFER_CUDA_DEVICE} shares the device knowingly. The stand-in {@code libcuda.so.1} (the CUDA
 * simulator, see {@link StandInCuda}) claims {@code WAFER_STAND_IN_DEVICES} devices and writes
 * which device each process retained to {@code WAFER_STAND_IN_TRACE}.
 */
class MultiGpuTrainingTest {
    private static final long SEED = 57;
    private static final int STEPS = 20;

    @TempDir
    Path tmp;

    private static List<String> model(Path tokens) {
        return List.of("train", "--backend", "cuda", "--data", tokens.toString(), "--vocab", "97", "--d-model", "32",
                "--layers", "1", "--heads", "2", "--seq", "16", "--batch", "8", "--micro-batch", "2", "--json",
                "--seed", String.valueOf(SEED), "--steps", String.valueOf(STEPS));
    }

    private CliRun run(int ranks, List<String> args, Map<String, String> env) throws Exception {
        return StandInCuda.run(tmp, ranks == 1 ? MpiLauncher.wafer(args) : MpiLauncher.command(ranks, args), env);
    }

    /** mpirun, and the environment of a machine with {@code devices} stand-in GPUs (the test skips without them). */
    private Map<String, String> standIn(int devices) {
        MpiLauncher.mpirun();
        Map<String, String> env = new HashMap<>(StandInCuda.environment());
        env.put("WAFER_STAND_IN_DEVICES", String.valueOf(devices));
        return env;
    }

    /** Device ordinal to the processes that retained it, from the stand-in's trace. */
    private static Map<Integer, Set<String>> retained(Path trace) throws Exception {
        Map<Integer, Set<String>> byDevice = new TreeMap<>();
        for (String line : Files.readAllLines(trace)) {
            String[] f = line.split(" ");
            byDevice.computeIfAbsent(Integer.parseInt(f[1]), d -> new TreeSet<>()).add(f[3]);
        }
        return byDevice;
    }

    @Test
    void twoRanksOnTwoGpusTakeOneEachAndFollowTheSingleProcessRun() throws Exception {
        Path tokens = MpiLauncher.tokenFile(tmp, SEED);
        Map<String, String> env = standIn(2);
        env.put("WAFER_STAND_IN_TRACE", tmp.resolve("one.trace").toString());
        CliRun one = MpiLauncher.ok(run(1, model(tokens), env));
        assertEquals(Set.of(0), retained(tmp.resolve("one.trace")).keySet(), "a single process opens device 0");

        env.put("WAFER_STAND_IN_TRACE", tmp.resolve("two.trace").toString());
        CliRun two = MpiLauncher.ok(run(2, model(tokens), env));
        Map<Integer, Set<String>> devices = retained(tmp.resolve("two.trace"));
        assertEquals(Set.of(0, 1), devices.keySet(), "each rank its own device: " + devices);
        assertEquals(1, devices.get(0).size(), devices::toString);
        assertEquals(1, devices.get(1).size(), devices::toString);
        assertNotEquals(devices.get(0), devices.get(1), "two processes, one device each: " + devices);

        Map<Long, String> single = losses(one.out());
        Map<Long, String> job = losses(two.out());
        assertEquals(STEPS, single.size(), one.out());
        assertEquals(single.get(1L), job.get(1L), "step 1 starts from identical parameters: exact");
        MpiLauncher.assertLossesClose(single, job, "2 ranks on 2 CUDA devices vs 1 process on CUDA", SEED);
        assertTrue(two.err().contains("2 ranks (Open MPI"), two.err());
    }

    @Test
    void ranksThatWouldShareTheOneGpuAreRefusedUnlessTold() throws Exception {
        Path tokens = MpiLauncher.tokenFile(tmp, SEED);
        Map<String, String> env = standIn(1);
        CliRun refused = run(2, model(tokens), env);
        assertNotEquals(0, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("wafer: backend 'cuda' is unavailable: 2 ranks of this job run on this"
                + " machine but the driver reports 1 device, so ranks would share a GPU."), refused.err());
        assertFalse(refused.err().contains("Exception"), "no stack trace: " + refused.err());
        assertTrue(losses(refused.out()).isEmpty(), "no step ran: " + refused.out());

        List<String> shared = new ArrayList<>(model(tokens));
        shared.set(shared.indexOf(String.valueOf(STEPS)), "3");
        env.put("WAFER_CUDA_DEVICE", "0");
        env.put("WAFER_STAND_IN_TRACE", tmp.resolve("shared.trace").toString());
        CliRun told = MpiLauncher.ok(run(2, shared, env));
        assertEquals(3, losses(told.out()).size(), told.out());
        assertEquals(2, retained(tmp.resolve("shared.trace")).get(0).size(), "both ranks on device 0 when told");
    }
}
