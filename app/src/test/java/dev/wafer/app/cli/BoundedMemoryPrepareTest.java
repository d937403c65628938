package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


/**
 * Preparation's memory does not grow with the corpus: a child JVM with a 36 MiB heap prepares a corpus three times
 * that size, whose audit index alone is several times the heap (the in-memory index needed about 24 bytes per
 * word), and the result is byte for byte that of an unconstrained run, so {@code wafer data audit} answers alike.
 */
class BoundedMemoryPrepareTest {
    private static final int HEAP_MB = 36;
    private static final long CORPUS_BYTES = 3L * HEAP_MB << 20;

    @TempDir
    Path tmp;

    @Test
    void smallHeapPreparesALargeCorpusLikeAnUnconstrainedRun() throws Exception {
        long seed = 20261130L;
        Random random = new Random(seed);
        String[] vocabulary = vocabulary(random, 2000);
        Path corpus = tmp.resolve("corpus.jsonl");
        List<String> passages = writeCorpus(corpus, random, vocabulary);

        Path small = tmp.resolve("small");
        List<String> args = List.of("data", "prepare", "--input", corpus.toString(), "--seq-len", "256",
                "--bucket-mb", "2", "--quiet");
        Path log = tmp.resolve("child.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss4m",
                "-Xmx" + HEAP_MB + "m", "-cp", System.getProperty("java.class.path"), WaferMain.class.getName()));
        command.addAll(args);
        command.addAll(List.of("--out", small.toString()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(child.waitFor(300, TimeUnit.SECONDS), "the child did not finish in 300 s");
        assertEquals(0, child.exitValue(), "seed " + seed + ": " + Files.readString(log));

        Path large = tmp.resolve("large");
        List<String> inProcess = new ArrayList<>(args);
        inProcess.addAll(List.of("--out", large.toString()));
        CliRun full = CliRun.of(inProcess.toArray(String[]::new));
        assertEquals(0, full.exitCode(), full.err());

        long index = Files.size(small.resolve("audit-index.bin"));
        assertTrue(index > 3L * (HEAP_MB << 20), "the audit index (" + index + " bytes) should dwarf the heap");
        try (Stream<Path> files = Files.list(large)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (!name.startsWith("manifest.json")) { // manifests hold the output path and the wall time
                    assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(small.resolve(name)), name);
                }
            }
        }

        int members = 0;
        for (int i = 0; i < passages.size(); i++) {
            Path text = Files.writeString(tmp.resolve("passage-" + i + ".txt"), passages.get(i));
            CliRun a = CliRun.of("data", "audit", "--dataset", small.toString(), "--text", text.toString(), "--json");
            CliRun b = CliRun.of("data", "audit", "--dataset", large.toString(), "--text", text.toString(), "--json");
            assertEquals(0, a.exitCode(), a.err());
            assertEquals(b.out().replace(large.toString(), "DIR"), a.out().replace(small.toString(), "DIR"),
                    "passage " + i);
            if (a.out().contains("\"member\" : true") || a.out().contains("\"member\":true")) {
                members++;
            }
        }
        assertTrue(members >= 3 && members < passages.size(),
                "expected most copied passages and no invented one to be members, got " + members);
    }

    private static String[] vocabulary(Random random, int n) {
        String[] words = new String[n];
        for (int i = 0; i < n; i++) {
            char[] w = new char[3 + random.nextInt(8)];
            for (int j = 0; j < w.length; j++) {
                w[j] = (char) ('a' + random.nextInt(26));
            }
            words[i] = new String(w);
        }
        return words;
    }

    /** Writes the corpus; returns passages: five copied from documents, two made of fresh word sequences. */
    private static List<String> writeCorpus(Path corpus, Random random, String[] vocabulary) throws IOException {
        List<String> passages = new ArrayList<>();
        String[] sources = {"Pile-CC", "Books3", "Github"};
        long written = 0;
        int doc = 0;
        try (BufferedWriter out = Files.newBufferedWriter(corpus, StandardCharsets.UTF_8)) {
            while (written < CORPUS_BYTES) {
                StringBuilder text = new StringBuilder();
                int words = 2000 + random.nextInt(6000);
                for (int w = 0; w < words; w++) {
                    text.append(vocabulary[random.nextInt(vocabulary.length)]);
                    text.append(w % 13 == 12 ? ".\\n" : " ");
                }
                if (doc % 97 == 5 && passages.size() < 5) {
                    String[] parts = text.toString().replace("\\n", " ").split(" ");
                    passages.add(String.join(" ", java.util.Arrays.copyOfRange(parts, 100, 180)));
                }
                String line = "{\"text\": \"" + text + "\", \"meta\": {\"pile_set_name\": \"" + sources[doc % 3]
                        + "\"}}\n";
                out.write(line);
                written += line.length();
                doc++;
            }
        }
        for (int p = 0; p < 2; p++) {
            StringBuilder fresh = new StringBuilder();
            for (int w = 0; w < 80; w++) {
                fresh.append(vocabulary[random.nextInt(vocabulary.length)]).append(' ');
            }
            passages.add(fresh.toString());
        }
        return passages;
    }
}
