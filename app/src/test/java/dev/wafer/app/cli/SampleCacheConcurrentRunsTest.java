package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs on the embedded sample that start together on an empty cache ({@code WAFER_CACHE}) all train. Until the fix
 * every one prepared the sample into a copy of its own and renamed it into place, and all but the first failed,
 * exit 2: "wafer: cannot prepare the embedded sample corpus in ...: FileSystemException: .../.sample-N ->
 * .../sample-gpt2-seq40: Directory not empty" (two {@code wafer train} at once, every time; {@code mpirun -np 2
 * wafer train}, whose ranks each prepare it, every time).
 */
class SampleCacheConcurrentRunsTest {
    @TempDir
    Path tmp;

    private static List<String> train(int seq, Path out) {
        return List.of("train", "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", String.valueOf(seq),
                "--batch", "4", "--steps", "2", "--seed", "3", "--json", "--out", out.toString());
    }

    @Test
    void twoRunsStartedTogetherOnAnEmptyCacheBothTrainOnTheSameSample() throws Exception {
        Path cache = tmp.resolve("cache");
        List<Process> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ProcessBuilder pb = new ProcessBuilder(MpiLauncher.wafer(train(32, tmp.resolve("run" + i))))
                    .redirectOutput(tmp.resolve(i + ".out").toFile()).redirectError(tmp.resolve(i + ".err").toFile());
            pb.environment().put("WAFER_CACHE", cache.toString());
            runs.add(pb.start());
        }
        List<Map<Long, String>> losses = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            CliRun run = finished(runs.get(i), tmp.resolve(i + ".out"), tmp.resolve(i + ".err"));
            assertEquals(0, run.exitCode(), run.err());
            losses.add(MpiLauncher.losses(run.out()));
        }
        assertEquals(2, losses.get(0).size());
        assertEquals(losses.get(0), losses.get(1), "both trained on the same sample");
        assertEquals(List.of("sample-gpt2-seq32"), names(cache), "the cache holds the entry and nothing else");
    }

    @Test
    void theRanksOfAnMpiRunOnAnEmptyCacheAllTrain() throws Exception {
        MpiLauncher.mpirun();
        Path cache = tmp.resolve("cache");
        Path out = tmp.resolve("mpi.out");
        Path err = tmp.resolve("mpi.err");
        Process job = MpiLauncher.start(2, train(40, tmp.resolve("run")), out, err,
                Map.of("WAFER_CACHE", cache.toString()));
        CliRun run = finished(job, out, err);
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(2, MpiLauncher.losses(run.out()).size(), run.out());
        assertEquals(List.of("sample-gpt2-seq40"), names(cache));
    }

    private static CliRun finished(Process p, Path out, Path err) throws Exception {
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("wafer did not end within 5 minutes: " + Files.readString(err));
        }
        return new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
