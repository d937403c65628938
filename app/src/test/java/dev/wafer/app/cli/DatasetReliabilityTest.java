package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reliability cases of {@code wafer data}: damaged prepared files stop {@code audit}, {@code stats} and
 * {@code train} with one line; re-preparing swaps a complete dataset in and cleans what a killed run left; a
 * preparation that keeps nothing is an error naming the rules; an output directory with other files is refused.
 */
class DatasetReliabilityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WORDS = ("river stone lantern quiet orchard copper meadow window thunder paper"
            + " harbour violet engine candle mirror forest saddle pocket ladder marble").split(" ");

    @TempDir
    Path tmp;

    /** A JSONL corpus of {@code docs} documents of 80 words each, all of source {@code source}. */
    private Path corpus(String name, int docs, String source, List<String> texts) throws IOException {
        SplittableRandom rng = new SplittableRandom(docs * 31L + name.hashCode());
        StringBuilder out = new StringBuilder();
        for (int d = 0; d < docs; d++) {
            StringBuilder text = new StringBuilder("Document " + d + ":");
            for (int w = 0; w < 80; w++) {
                text.append(' ').append(WORDS[rng.nextInt(WORDS.length)]);
            }
            texts.add(text.toString());
            out.append(JSON.writeValueAsString(JSON.createObjectNode().put("text", text.toString())
                    .set("meta", JSON.createObjectNode().put("pile_set_name", source)))).append('\n');
        }
        Path file = tmp.resolve(name);
        Files.writeString(file, out);
        return file;
    }

    private static CliRun prepare(Path out, Path input, String... extra) {
        List<String> args = new ArrayList<>(List.of("data", "prepare", "--out", out.toString(), "--input",
                input.toString(), "--tokenizer", "bytes", "--seq-len", "32", "--split", "0.8,0.1,0.1", "--quiet"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static void assertOneLineError(CliRun run, int code, String... fragments) {
        assertEquals(code, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("wafer: ") && run.err().strip().lines().count() == 1, run.err());
        for (String f : fragments) {
            assertTrue(run.err().contains(f), "expected '" + f + "' in: " + run.err());
        }
    }

    private static void flipByte(Path file, long at) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[(int) at] ^= 0x5A;
        Files.write(file, b);
    }

    /** A training document's text, found through documents.jsonl's location (file:line). */
    private static String trainingText(Path ds, List<String> texts) throws IOException {
        for (String line : Files.readAllLines(ds.resolve("documents.jsonl"))) {
            JsonNode d = JSON.readTree(line);
            if (d.has("audit_id")) {
                String location = d.path("location").asText();
                return texts.get(Integer.parseInt(location.substring(location.lastIndexOf(':') + 1)) - 1);
            }
        }
        throw new IllegalStateException("no training document");
    }

    /** Writes {@code text} as the manifest with a matching manifest.json.sha256, as a user editing it would. */
    private static void editManifest(Path ds, String text) throws Exception {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(ds.resolve("manifest.json"), bytes);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(bytes));
        Files.writeString(ds.resolve("manifest.json.sha256"), sha + "  manifest.json\n");
    }

    @Test
    void editedManifestFieldsAreRefusedNamingTheField() throws Exception {
        Path ds = tmp.resolve("edited-manifest");
        CliRun prepared = prepare(ds, corpus("e.jsonl", 30, "Web", new ArrayList<>()), "--dedup", "near");
        assertEquals(0, prepared.exitCode(), prepared.err());
        Path manifest = ds.resolve("manifest.json");
        String good = Files.readString(manifest);
        Map<String, String> edits = new java.util.LinkedHashMap<>();
        edits.put(good.replaceFirst("\"threshold\" : [0-9.]+", "\"threshold\" : 1.5"),
                "field settings.dedup.threshold is 1.5, expected a number in (0, 1]");
        edits.put(good.replaceFirst("\"threshold\" : [0-9.]+", "\"threshold\" : null"),
                "field settings.dedup.threshold is null, expected a number in (0, 1]");
        edits.put(good.replaceFirst("\"seq_len\" : 32", "\"seq_len\" : 2147483647"),
                "field settings.seq_len is 2147483647 but " + ds.resolve("train-00000.bin") + " holds sequences of 32");
        edits.put(good.replaceFirst("\"vocab_size\" : 257", "\"vocab_size\" : 256"),
                "field settings.vocab_size is 256 but " + ds.resolve("train-00000.bin") + " records vocabulary 257");
        String trainSequences = good.replaceFirst("(?s).*\"train\" : \\{[^}]*?\"sequences\" : ([0-9]+).*", "$1");
        edits.put(good.replaceFirst("(\"train\" : \\{[^}]*?\"sequences\" : )[0-9]+", "$1" + 99999),
                "field splits.train.sequences is 99999 but its shards list " + trainSequences + " sequences");
        for (Map.Entry<String, String> e : edits.entrySet()) {
            assertTrue(!e.getKey().equals(good), e.getValue());
            editManifest(ds, e.getKey());
            assertOneLineError(CliRun.of("data", "stats", "--dataset", ds.toString()), 2, manifest + ": " + e.getValue());
        }
        // The vocabulary once went unnoticed by train too, which opens the shards through the same check.
        editManifest(ds, good.replaceFirst("\"vocab_size\" : 257", "\"vocab_size\" : 256"));
        assertOneLineError(CliRun.of("train", "--data", ds.toString(), "--vocab", "257", "--d-model", "16", "--layers",
                "1", "--heads", "2", "--seq", "16", "--batch", "2", "--steps", "1"), 2, "settings.vocab_size is 256");
        editManifest(ds, good);
        assertEquals(0, CliRun.of("data", "stats", "--dataset", ds.toString()).exitCode());
        // A directory where manifest.json belongs: "I/O error: Is a directory" (exit 74) from stats, now as train says.
        Files.delete(manifest);
        Files.createDirectory(manifest);
        assertOneLineError(CliRun.of("data", "stats", "--dataset", ds.toString()), 2,
                "--dataset " + ds + " is a directory without manifest.json");
    }

    @Test
    void damagedIndexDocumentsOrManifestStopAuditStatsAndTrain() throws IOException {
        List<String> texts = new ArrayList<>();
        Path input = corpus("c.jsonl", 40, "Web", texts);
        Path ds = tmp.resolve("ds");
        CliRun prepared = prepare(ds, input);
        assertEquals(0, prepared.exitCode(), prepared.err());
        Path passage = tmp.resolve("passage.txt");
        Files.writeString(passage, trainingText(ds, texts));
        CliRun audit = CliRun.of("data", "audit", "--dataset", ds.toString(), "--text", passage.toString());
        assertEquals(0, audit.exitCode(), audit.err());
        assertTrue(audit.out().startsWith("PRESENT"), audit.out());

        // The reported case: flipped key bytes in the index made audit answer NOT FOUND.
        Path index = ds.resolve("audit-index.bin");
        byte[] good = Files.readAllBytes(index);
        for (long at : new long[] {64 + 3, good.length / 2, good.length - 1}) {
            flipByte(index, at);
            assertOneLineError(CliRun.of("data", "audit", "--dataset", ds.toString(), "--text", passage.toString()), 2,
                    index.toString(), "CRC-32C");
            Files.write(index, good);
        }
        Path documents = ds.resolve("documents.jsonl");
        byte[] goodDocuments = Files.readAllBytes(documents);
        flipByte(documents, goodDocuments.length / 3);
        assertOneLineError(CliRun.of("data", "audit", "--dataset", ds.toString(), "--text", passage.toString()), 2,
                documents.toString(), "CRC-32C");
        Files.write(documents, goodDocuments);
        Files.write(documents, Arrays2.concat(goodDocuments, "\n".getBytes()));
        assertOneLineError(CliRun.of("data", "stats", "--dataset", ds.toString()), 2, documents.toString(), "bytes but");
        Files.write(documents, goodDocuments);

        Path manifest = ds.resolve("manifest.json");
        byte[] goodManifest = Files.readAllBytes(manifest);
        flipByte(manifest, goodManifest.length / 2);
        CliRun stats = CliRun.of("data", "stats", "--dataset", ds.toString());
        assertOneLineError(stats, 2, manifest.toString(), "SHA-256");
        // train opens datasets through the same check and stops as stats does, before any model is built.
        CliRun train = CliRun.of("train", "--data", ds.toString(), "--vocab", "257", "--d-model", "16", "--layers", "1",
                "--heads", "2", "--seq", "16", "--batch", "2", "--steps", "1");
        assertOneLineError(train, 2, manifest.toString(), "SHA-256");
        Files.write(manifest, goodManifest);

        Path shard = ds.resolve("train-00000.bin");
        byte[] goodShard = Files.readAllBytes(shard);
        flipByte(shard, goodShard.length - 2);
        assertOneLineError(CliRun.of("train", "--data", ds.toString(), "--vocab", "257", "--d-model", "16", "--layers",
                "1", "--heads", "2", "--seq", "16", "--batch", "2", "--steps", "1"), 2, shard.toString(), "crc32");
        Files.write(shard, goodShard);
        assertEquals(0, CliRun.of("data", "stats", "--dataset", ds.toString()).exitCode());
    }

    /**
     * One '}' of documents.jsonl turned into ']' (same size): audit memorization said "I/O error:
     * JsonParseException: Unexpected close marker" naming no file (exit 74); it now checks the CRC as data audit does.
     */
    @Test
    void memorizationAuditReportsADamagedDocumentListByItsChecksum() throws IOException {
        Path input = corpus("m.jsonl", 40, "Web", new ArrayList<>());
        Path ds = tmp.resolve("ds-mem");
        assertEquals(0, prepare(ds, input).exitCode());
        Path run = tmp.resolve("run-mem");
        CliRun trained = CliRun.of("train", "--data", ds.toString(), "--vocab", "257", "--d-model", "16", "--layers",
                "1", "--heads", "2", "--seq", "32", "--batch", "2", "--steps", "1", "--seed", "3", "--out", run.toString());
        assertEquals(0, trained.exitCode(), trained.err());
        String[] audit = {"audit", "memorization", "--checkpoint", run.toString(), "--dataset", ds.toString(),
            "--prefix", "4", "--suffix", "4", "--samples", "2", "--json"};
        assertEquals(0, CliRun.of(audit).exitCode());
        Path documents = ds.resolve("documents.jsonl");
        String good = Files.readString(documents);
        int brace = good.indexOf("}\n");
        Files.writeString(documents, good.substring(0, brace) + "]" + good.substring(brace + 1));
        assertOneLineError(CliRun.of(audit), 2, documents + ": CRC-32C is ", "the file is damaged");
    }

    @Test
    void anOutputInsideAnInputIsLeftOutOfTheInputsAndAnInputInsideTheOutputRefused() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("corpus"));
        Files.move(corpus("c.jsonl", 30, "Web", new ArrayList<>()), dir.resolve("c.jsonl"));
        Path ds = dir.resolve("nested/ds");
        CliRun first = prepare(ds, dir, "--json");
        assertEquals(0, first.exitCode(), first.err());
        byte[] shard = Files.readAllBytes(ds.resolve("train-00000.bin"));
        JsonNode before = JSON.readTree(first.out());
        // Run twice: the second run must not read the first one's manifest, documents and shards as input.
        CliRun second = prepare(ds, dir, "--json");
        assertEquals(0, second.exitCode(), second.err());
        JsonNode after = JSON.readTree(second.out());
        assertEquals(before.path("summary"), after.path("summary"), second.out());
        assertArrayEquals(shard, Files.readAllBytes(ds.resolve("train-00000.bin")));

        assertOneLineError(prepare(ds, ds.resolve("manifest.json")), 2, "--input " + ds.resolve("manifest.json"),
                "inside --out " + ds);
        assertOneLineError(prepare(ds, ds), 2, "--input " + ds, "inside --out");
        assertArrayEquals(shard, Files.readAllBytes(ds.resolve("train-00000.bin")));
    }

    @Test
    void preparingIntoTheWorkingDirectoryFinishesAndReportsIt() throws Exception {
        Path input = corpus("c.jsonl", 30, "Web", new ArrayList<>());
        Path work = Files.createDirectories(tmp.resolve("work"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), WaferMain.class.getName(), "data", "prepare", "--out",
                ".", "--input", input.toString(), "--tokenizer", "bytes", "--seq-len", "32", "--quiet"));
        Path log = tmp.resolve("child.log");
        Process child = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertTrue(child.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the child did not finish in 120 s");
        String output = Files.readString(log);
        assertEquals(0, child.exitValue(), output);
        assertTrue(output.contains("prepared " + work.toRealPath()) || output.contains("prepared " + work), output);
        assertTrue(output.contains("cd " + work), output);
        assertTrue(Files.isRegularFile(work.resolve("manifest.json")), output);
        assertEquals(0, CliRun.of("data", "stats", "--dataset", work.toString()).exitCode());
    }

    @Test
    void aSeqLenLongerThanTheCorpusIsRefusedAndTheOldDatasetKept() throws IOException {
        Path input = corpus("c.jsonl", 10, "Web", new ArrayList<>());
        Path ds = tmp.resolve("ds");
        assertEquals(0, prepare(ds, input).exitCode());
        byte[] manifest = Files.readAllBytes(ds.resolve("manifest.json"));
        CliRun tooLong = CliRun.of("data", "prepare", "--out", ds.toString(), "--input", input.toString(),
                "--tokenizer", "bytes", "--seq-len", "100000", "--quiet");
        assertOneLineError(tooLong, 2, "--seq-len 100000", "packs no sequence", "--out " + ds, "unchanged");
        assertArrayEquals(manifest, Files.readAllBytes(ds.resolve("manifest.json")));
        CliRun fresh = CliRun.of("data", "prepare", "--out", tmp.resolve("new").toString(), "--input",
                input.toString(), "--tokenizer", "bytes", "--seq-len", "100000", "--quiet");
        assertOneLineError(fresh, 2, "packs no sequence");
        assertFalse(Files.exists(tmp.resolve("new")));
    }

    @Test
    void trainingOnADatasetWithoutValidationSequencesSaysSo() throws IOException {
        Path ds = tmp.resolve("ds");
        CliRun prepared = CliRun.of("data", "prepare", "--out", ds.toString(), "--input",
                corpus("c.jsonl", 20, "Web", new ArrayList<>()).toString(), "--tokenizer", "bytes", "--seq-len", "32",
                "--split", "1,0,0", "--quiet");
        assertEquals(0, prepared.exitCode(), prepared.err());
        CliRun train = CliRun.of("train", "--data", ds.toString(), "--vocab", "257", "--d-model", "16", "--layers",
                "1", "--heads", "2", "--seq", "16", "--batch", "2", "--steps", "1");
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(train.err().contains("no validation loss: its validation split holds 0 sequences"), train.err());
    }

    @Test
    void statsNamesTheOldCopyAKilledSwapLeft() throws IOException {
        Path ds = tmp.resolve("ds");
        assertEquals(0, prepare(ds, corpus("c.jsonl", 10, "Web", new ArrayList<>())).exitCode());
        // Killed between the swap's two renames: the complete old dataset is .ds.old-PID, ds does not exist.
        Path old = tmp.resolve(".ds.old-4194303");
        Files.move(ds, old);
        CliRun stats = CliRun.of("data", "stats", "--dataset", ds.toString());
        assertOneLineError(stats, 2, "--dataset " + ds, old.toString(), "mv " + old + " " + ds);
        Files.move(old, ds);
        assertEquals(0, CliRun.of("data", "stats", "--dataset", ds.toString()).exitCode());
    }

    @Test
    void auditRefusesAPassageShorterThanItsWindowOrAnEmptyOrNonUtf8File() throws IOException {
        Path ds = tmp.resolve("ds");
        CliRun prepared = prepare(ds, corpus("c.jsonl", 20, "Web", new ArrayList<>()));
        assertEquals(0, prepared.exitCode(), prepared.err());
        Path shortText = Files.writeString(tmp.resolve("short.txt"), "river stone lantern quiet orchard");
        assertOneLineError(CliRun.of("data", "audit", "--dataset", ds.toString(), "--text", shortText.toString()), 2,
                "--text " + shortText, "has 5 words", "at least 50");
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "");
        assertOneLineError(CliRun.of("data", "audit", "--dataset", ds.toString(), "--text", empty.toString(),
                "--json"), 2, "--text " + empty, "has 0 words");
        Path binary = Files.write(tmp.resolve("binary.txt"), new byte[] {'a', ' ', (byte) 0xC3, (byte) 0x28, 'b'});
        assertOneLineError(CliRun.of("data", "audit", "--dataset", ds.toString(), "--text", binary.toString()), 2,
                "--text " + binary, "not valid UTF-8");
    }

    @Test
    void repreparingSwapsACompleteDatasetInAndCleansWhatAKilledRunLeft() throws IOException {
        List<String> texts = new ArrayList<>();
        Path input = corpus("c.jsonl", 30, "Web", texts);
        Path ds = tmp.resolve("ds");
        assertEquals(0, prepare(ds, input).exitCode());
        byte[] firstManifest = Files.readAllBytes(ds.resolve("manifest.json"));

        // What a run killed mid-way leaves: its build directory beside ds and the shuffle scratch inside ds.
        long dead = deadPid();
        Path orphanBuild = Files.createDirectories(tmp.resolve(".ds.prepare-" + dead));
        Files.writeString(orphanBuild.resolve("train-00000.bin"), "partial");
        Files.createDirectories(ds.resolve(".shuffle-tmp"));
        Files.writeString(ds.resolve(".shuffle-tmp/bucket-0.tmp"), "partial");
        CliRun again = prepare(ds, input, "--seed", "99");
        assertEquals(0, again.exitCode(), again.err());
        assertFalse(Files.exists(orphanBuild));
        assertFalse(Files.exists(ds.resolve(".shuffle-tmp")));
        assertEquals(List.of("c.jsonl", "ds"), listing(tmp));
        assertEquals(0, CliRun.of("data", "stats", "--dataset", ds.toString()).exitCode());

        // Killed between the swap's two renames: ds is missing and the previous dataset waits as .ds.old-PID.
        Path old = tmp.resolve(".ds.old-" + dead);
        Files.move(ds, old);
        // The next run puts it back before anything else; here that run then fails (every document excluded),
        // and the previous dataset is intact.
        assertOneLineError(prepare(ds, input, "--exclude-source", "Web"), 2, "all 30 documents were excluded",
                "30 by --exclude-source Web");
        assertFalse(Files.exists(old));
        assertEquals(0, CliRun.of("data", "stats", "--dataset", ds.toString()).exitCode());
        assertFalse(Arrays2.equal(firstManifest, Files.readAllBytes(ds.resolve("manifest.json"))), "seed 99's dataset");
    }

    @Test
    void leftoversNamedAfterALiveProcessAreRecoveredWhenNoPrepareHoldsTheLock() throws IOException {
        Path input = corpus("c.jsonl", 10, "Web", new ArrayList<>());
        Path ds = tmp.resolve("ds");
        assertEquals(0, prepare(ds, input).exitCode());
        // A prepare killed between the swap's renames, whose process id now belongs to a live process (in a
        // container wafer is often process 1 every time): it used to refuse every later prepare as "being prepared".
        long live = ProcessHandle.current().parent().orElseThrow().pid();
        Path old = tmp.resolve(".ds.old-" + live);
        Files.move(ds, old);
        Files.createDirectories(tmp.resolve(".ds.prepare-" + live));
        CliRun train = CliRun.of("train", "--data", ds.toString(), "--vocab", "257", "--d-model", "16", "--layers",
                "1", "--heads", "2", "--seq", "16", "--batch", "2", "--steps", "1");
        assertOneLineError(train, 2, "--data " + ds, old.toString(), "mv " + old + " " + ds);
        CliRun again = prepare(ds, input);
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(List.of("c.jsonl", "ds"), listing(tmp));
        assertEquals(0, CliRun.of("data", "stats", "--dataset", ds.toString()).exitCode());
    }

    @Test
    void aSecondPrepareOfTheSameOutputIsRefusedWhileTheFirstHoldsTheLock() throws IOException {
        Path input = corpus("c.jsonl", 10, "Web", new ArrayList<>());
        Path ds = tmp.resolve("ds");
        try (var held = dev.wafer.formats.fileio.ExclusiveLock.tryAcquire(tmp.resolve(".ds.prepare.lock"))
                .orElseThrow()) {
            assertOneLineError(prepare(ds, input), 2, "--out " + ds, "being prepared by another 'wafer data prepare'");
        }
        assertFalse(Files.exists(ds));
        assertEquals(0, prepare(ds, input).exitCode(), "the lock is released with its holder");
    }

    @Test
    void preparationThatKeepsNothingNamesTheRules() throws IOException {
        List<String> texts = new ArrayList<>();
        Path books = corpus("books.jsonl", 10, "Books3", texts);
        Path web = corpus("web.jsonl", 2, "Web", texts);
        Path both = tmp.resolve("both.jsonl");
        Files.writeString(both, Files.readString(books) + Files.readString(web));
        Path ds = tmp.resolve("ds");
        assertOneLineError(prepare(ds, both, "--exclude-source", "Books3", "--allow-licence", "cc-by-4.0"), 2,
                "all 12 documents were excluded: 10 by --exclude-source Books3, 2 by --allow-licence (licence unknown)");
        assertFalse(Files.exists(ds), "no empty dataset");
        Path empty = tmp.resolve("empty.jsonl");
        Files.writeString(empty, "");
        assertOneLineError(prepare(ds, empty), 2, "the input holds no documents");
        assertFalse(Files.exists(ds));
        assertEquals(List.of("books.jsonl", "both.jsonl", "empty.jsonl", "web.jsonl"), listing(tmp));
    }

    @Test
    void anOutputDirectoryWithOtherFilesIsRefusedBeforeAnyWork() throws IOException {
        List<String> texts = new ArrayList<>();
        Path input = corpus("c.jsonl", 5, "Web", texts);
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        assertOneLineError(prepare(out, input), 2, "holds notes.txt, which is not part of a Wafer dataset");
        assertArrayEquals("mine".getBytes(), Files.readAllBytes(out.resolve("notes.txt")));
    }

    /** Names in {@code dir} (hidden ones included), text files aside. */
    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".txt")).sorted().toList();
        }
    }

    private static long deadPid() {
        for (long pid = 4_000_000; ; pid++) {
            if (ProcessHandle.of(pid).isEmpty()) {
                return pid;
            }
        }
    }

    private static final class Arrays2 {
        static byte[] concat(byte[] a, byte[] b) {
            byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, c, a.length, b.length);
            return c;
        }

        static boolean equal(byte[] a, byte[] b) {
            return java.util.Arrays.equals(a, b);
        }
    }
}
