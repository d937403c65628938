package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import dev.wafer.domain.data.Split;
import dev.wafer.formats.data.PreparedDataset;
import dev.wafer.formats.data.ShardedSequences;
import com.fasterxml.jackson.databind.JsonNode;
import dev.wafer.domain.data.Split;
import dev.wafer.formats.data.PreparedDataset;
import dev.wafer.formats.data.ShardedSequences;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval --data FILE} and {@code train --data FILE} map a token file instead of reading it whole into an int
 * array: a file past 2 GB failed at once ("out of memory (Required array size too large)"), and memory was 4 times
 * the file even for one window. The scores are the ones the whole-file reading gave.
 */
class MappedTokenFileCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    private static Path model;

    @BeforeAll
    static void trainTinyModel() {
        model = tmp.resolve("model");
        CliRun run = CliRun.of("train", "--synthetic", "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "16",
                "--vocab", "300", "--batch", "2", "--steps", "1", "--out", model.toString());
        assertEquals(0, run.exitCode(), run.err());
    }

    private static byte[] uint16(int[] ids) {
        ByteBuffer b = ByteBuffer.allocate(2 * ids.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int id : ids) {
            b.putShort((short) id);
        }
        return b.array();
    }

    private static int[] ids(int n) {
        Random r = new Random(5);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.nextInt(300);
        }
        return ids;
    }

    private static JsonNode eval(Path data, String... more) throws IOException {
        String[] args = {"eval", "--checkpoint", model.toString(), "--data", data.toString(), "--json"};
        CliRun run = CliRun.of(java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.Arrays.stream(more)).toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        return JSON.readTree(run.out());
    }

    /** The tokens --max-windows scores, from a file of 2.2 GB (sparse: no disk), as from a file of just them. */
    @Test
    void evalScoresTheFirstWindowsOfAFilePastTwoGigabytes() throws IOException {
        int[] head = ids(3 * 16 + 1);
        Path big = tmp.resolve("big.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.write(uint16(head));
            f.setLength(2_200_000_000L);
        }
        assumeTrue(allocated(big) < 1L << 30, "no sparse file here; 2.2 GB are not written");
        Path small = Files.write(tmp.resolve("small.bin"), uint16(head));
        JsonNode a = eval(big, "--max-windows", "3");
        JsonNode b = eval(small);
        assertEquals(b.get("loss_nats_per_token"), a.get("loss_nats_per_token"));
        assertEquals(48, a.get("tokens").asLong());
        assertEquals(3, a.get("windows").asLong());
    }

    /**
     * train draws its windows from a 2.2 GB file (it failed at once, exit 71); its ids are checked in one streaming
     * pass, which reads the sparse file's holes without holding them.
     */
    @Test
    void trainDrawsWindowsFromAFilePastTwoGigabytes() throws IOException {
        Path big = tmp.resolve("train-big.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(2_200_000_000L);
        }
        assumeTrue(allocated(big) < 1L << 30, "no sparse file here; 2.2 GB are not written");
        CliRun run = CliRun.of("train", "--data", big.toString(), "--d-model", "32", "--layers", "1", "--heads", "2",
                "--seq", "16", "--batch", "2", "--steps", "1", "--out", tmp.resolve("trained").toString(), "--json");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("\"step\":1"), run.out());
    }

    /**
     * A dataset's test split is read as it is scored (it was read whole, and one over 2^31 tokens refused): windows
     * that straddle its rows score as the same tokens in a token file do.
     */
    @Test
    void aTestSplitScoresAsItsTokensInAFile() throws IOException {
        Path dataset = tmp.resolve("dataset");
        CliRun prepared = CliRun.of("data", "prepare", "--out", dataset.toString(), "--seq", "24", "--split",
                "0.8,0.1,0.1", "--quiet");
        assertEquals(0, prepared.exitCode(), prepared.err());
        Path gpt2 = tmp.resolve("gpt2");
        assertEquals(0, CliRun.of("train", "--synthetic", "--d-model", "32", "--layers", "1", "--heads", "2", "--seq",
                "16", "--batch", "2", "--steps", "1", "--out", gpt2.toString()).exitCode());
        int[] tokens;
        try (ShardedSequences test = PreparedDataset.open(dataset, "--data").openSplit(Split.TEST)) {
            tokens = new int[Math.toIntExact(test.count() * test.sequenceLength())];
            for (int i = 0; i < test.count(); i++) {
                test.read(i, tokens, i * test.sequenceLength());
            }
        }
        Path file = Files.write(tmp.resolve("test-split.bin"), uint16(tokens));
        // Parts of the split (a whole one takes minutes here; EvalRefusalsTest scores a whole split).
        for (String[] more : new String[][] {{"--max-windows", "7"}, {"--max-windows", "50"}}) {
            String[] a = {"eval", "--checkpoint", gpt2.toString(), "--data", dataset.toString(), "--json"};
            String[] b = {"eval", "--checkpoint", gpt2.toString(), "--data", file.toString(), "--json"};
            CliRun ra = CliRun.of(java.util.stream.Stream.concat(java.util.Arrays.stream(a),
                    java.util.Arrays.stream(more)).toArray(String[]::new));
            CliRun rb = CliRun.of(java.util.stream.Stream.concat(java.util.Arrays.stream(b),
                    java.util.Arrays.stream(more)).toArray(String[]::new));
            assertEquals(0, ra.exitCode(), ra.err());
            assertEquals(0, rb.exitCode(), rb.err());
            assertEquals(JSON.readTree(rb.out()), JSON.readTree(ra.out()));
        }
    }

    /**
     * A file whose length is no multiple of the window scores as before; an id past the vocabulary is refused where
     * it is scored, and, with --max-windows, not where it is never read.
     */
    @Test
    void idsPastTheVocabularyAreRefusedWhereTheyAreScored() throws IOException {
        int[] ids = ids(5 * 16 + 7);
        JsonNode whole = eval(Files.write(tmp.resolve("odd.bin"), uint16(ids)));
        assertEquals(5, whole.get("windows").asLong());
        assertEquals(80, whole.get("tokens").asLong());
        ids[40] = 300;
        Path bad = Files.write(tmp.resolve("bad.bin"), uint16(ids));
        CliRun refused = CliRun.of("eval", "--checkpoint", model.toString(), "--data", bad.toString());
        assertEquals(2, refused.exitCode(), refused.err());
        assertEquals("wafer: --data " + bad + ": uint16 token 300 at offset 40, outside the model's vocabulary of 300",
                refused.err().strip());
        CliRun scored = CliRun.of("eval", "--checkpoint", model.toString(), "--data", bad.toString(),
                "--max-windows", "3");
        assertEquals(2, scored.exitCode(), scored.err());
        assertEquals(2, eval(bad, "--max-windows", "2").get("windows").asLong());
    }

    /** The disk {@code file} takes, as du counts it (the file attribute views do not give st_blocks). */
    static long allocated(Path file) throws IOException {
        try {
            Process p = new ProcessBuilder("du", "-k", file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out.split("\\s+")[0]) * 1024;
        } catch (InterruptedException | NumberFormatException | IOException e) {
            return Long.MAX_VALUE;
        }
    }
}
