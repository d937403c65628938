package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What stopping {@code wafer data prepare} leaves: on SIGINT or SIGTERM its partial build beside --out is removed and
 * one line says so and that --out is as it was (until 2026-12-07 it exited without a word and left
 * {@code .DIR.prepare-PID}, removed only by a later run into the same --out); and an --out that is a symbolic link
 * is refused saying so (it was "exists and is not a directory").
 */
class PrepareStopTest {
    private static final long SEED = 2026_12_07L;
    private static final String[] WORDS = ("river stone lantern quiet orchard copper meadow window thunder paper"
            + " harbour violet engine candle mirror forest saddle pocket ladder marble").split(" ");

    @TempDir
    Path tmp;

    /** A JSONL corpus of {@code docs} documents of {@code words} seeded random words each. */
    private Path corpus(String name, int docs, int words) throws Exception {
        SplittableRandom rng = new SplittableRandom(SEED + docs);
        Path file = tmp.resolve(name);
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            for (int d = 0; d < docs; d++) {
                w.write("{\"text\": \"Document " + d + ":");
                for (int i = 0; i < words; i++) {
                    w.write(' ');
                    w.write(WORDS[rng.nextInt(WORDS.length)]);
                }
                w.write("\", \"meta\": {\"pile_set_name\": \"Web\"}}\n");
            }
        }
        return file;
    }

    private static List<String> leftovers(Path out) throws Exception {
        try (var list = Files.list(out.getParent())) {
            return list.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("." + out.getFileName() + ".") && !n.endsWith(".lock")).toList();
        }
    }

    /** The child's exit code and stderr after {@code signal}, sent once its build directory beside {@code out} exists. */
    private String[] stopWhileBuilding(Path out, Path input, String signal) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss4m",
                "-cp", System.getProperty("java.class.path"), WaferMain.class.getName(), "data", "prepare", "--out",
                out.toString(), "--input", input.toString(), "--tokenizer", "bytes", "--seq-len", "64", "--dedup",
                "near", "--threads", "1", "--quiet"));
        Path errLog = tmp.resolve("child-" + signal + ".err");
        Process child = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(errLog.toFile()).start();
        Path build = out.resolveSibling("." + out.getFileName() + ".prepare-" + child.pid());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && child.isAlive() && !Files.isDirectory(build)) {
            Thread.sleep(5);
        }
        Thread.sleep(200); // into the reading, with files open in the build
        assertTrue(child.isAlive(), "the child finished before the signal: " + Files.readString(errLog));
        assertTrue(Files.isDirectory(build), "no build directory " + build);
        new ProcessBuilder("kill", "-" + signal, String.valueOf(child.pid())).start().waitFor();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not stop after SIG" + signal);
        // The JVM's own notice about the incubator module is not the child's output.
        return new String[] {String.valueOf(child.exitValue()), Files.readString(errLog).lines()
                .filter(l -> !l.startsWith("WARNING: Using incubator modules")).collect(
                        java.util.stream.Collectors.joining("\n"))};
    }

    @Test
    void aSignalRemovesTheBuildAndKeepsThePreviousDataset() throws Exception {
        Path out = tmp.resolve("ds");
        CliRun first = CliRun.of("data", "prepare", "--out", out.toString(), "--input", corpus("small.jsonl", 40, 80)
                .toString(), "--tokenizer", "bytes", "--seq-len", "64", "--quiet");
        assertEquals(0, first.exitCode(), first.err());
        String manifest = Files.readString(out.resolve("manifest.json"));
        Path big = corpus("big.jsonl", 30_000, 120);

        String[] r = stopWhileBuilding(out, big, "INT");
        assertEquals("130", r[0], r[1]);
        assertEquals("wafer: SIGINT: data prepare interrupted; its partial build was removed and the dataset in " + out
                + " is as it was", r[1].strip(), r[1]);
        assertEquals(List.of(), leftovers(out));
        assertEquals(manifest, Files.readString(out.resolve("manifest.json")));
        assertEquals(0, CliRun.of("data", "stats", "--dataset", out.toString()).exitCode());

        Path fresh = tmp.resolve("fresh");
        r = stopWhileBuilding(fresh, big, "TERM");
        assertEquals("143", r[0], r[1]);
        assertEquals("wafer: SIGTERM: data prepare interrupted; its partial build was removed and nothing was written"
                + " to " + fresh, r[1].strip(), r[1]);
        assertEquals(List.of(), leftovers(fresh));
        assertTrue(!Files.exists(fresh), "--out was created");
    }

    @Test
    void anOutThatIsASymbolicLinkIsRefusedSayingSo() throws Exception {
        Path input = corpus("c.jsonl", 40, 80);
        Path real = tmp.resolve("ds-real");
        assertEquals(0, CliRun.of("data", "prepare", "--out", real.toString(), "--input", input.toString(),
                "--tokenizer", "bytes", "--seq-len", "64", "--quiet").exitCode());
        Path link = Files.createSymbolicLink(tmp.resolve("ds-link"), Path.of("ds-real"));
        CliRun run = CliRun.of("data", "prepare", "--out", link.toString(), "--input", input.toString(),
                "--tokenizer", "bytes", "--seq-len", "64", "--quiet");
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("wafer: --out " + link + " is a symbolic link (to ds-real); give the directory itself: --out "
                + real.toRealPath(), run.err().strip());
        assertTrue(Files.isSymbolicLink(link));
    }
}
