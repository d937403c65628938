package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --data FILE} is read the same way by train and eval: text (named .txt, .md, ..., or of another name UTF-8 of
 * an odd length) is never taken for uint16 token ids; train refuses it with the command that prepares it, eval
 * tokenises it. A token file (.bin, ...) is read as ids whatever its bytes, and a name that says neither with bytes
 * that fit both readings is refused by both, saying how to rename it.
 */
class TokenFileOrTextTest {
    private static final String PROSE = "It was a bright cold day in April, and the clocks were striking thirteen. ";

    @TempDir
    Path tmp;

    private static CliRun train(Path data) {
        return CliRun.of("train", "--data", data.toString(), "--d-model", "32", "--layers", "1", "--heads", "2",
                "--seq", "16", "--batch", "2", "--steps", "1");
    }

    @Test
    void trainRefusesTextWhateverItsNameAndEvalTokenisesIt() throws IOException {
        String text = PROSE.repeat(40);
        assertEquals(0, text.length() % 2, "an even length reads as whole uint16 ids");
        Path txt = Files.writeString(tmp.resolve("prose.txt"), text);
        Path md = Files.writeString(tmp.resolve("prose.md"), text);
        for (Path p : new Path[] {txt, md}) {
            CliRun run = train(p);
            assertEquals(2, run.exitCode(), run.err());
            String last = run.err().strip().lines().reduce((a, b) -> b).orElseThrow();
            assertTrue(last.startsWith("wafer: --data " + p + " is text") && last.contains("wafer data prepare"),
                    run.err());
        }

        Path model = tmp.resolve("model");
        assertEquals(0, CliRun.of("train", "--synthetic", "--d-model", "32", "--layers", "1", "--heads", "2",
                "--seq", "16", "--batch", "2", "--steps", "1", "--out", model.toString()).exitCode());
        ObjectMapper json = new ObjectMapper();
        CliRun a = CliRun.of("eval", "--checkpoint", model.toString(), "--data", txt.toString(), "--json");
        CliRun b = CliRun.of("eval", "--checkpoint", model.toString(), "--data", md.toString(), "--json");
        assertEquals(0, a.exitCode(), a.err());
        assertEquals(0, b.exitCode(), b.err());
        JsonNode ja = json.readTree(a.out());
        JsonNode jb = json.readTree(b.out());
        assertEquals(ja.get("tokens"), jb.get("tokens"));
        assertEquals(ja.get("loss_nats_per_token"), jb.get("loss_nats_per_token"));
        // A .txt file that is not UTF-8: one line naming it, not an I/O error.
        Path bad = Files.write(tmp.resolve("latin1.txt"),
                "caf\u00e9 au lait".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        CliRun c = CliRun.of("eval", "--checkpoint", model.toString(), "--data", bad.toString());
        assertEquals(2, c.exitCode(), c.err());
        assertEquals("wafer: --data " + bad + ": not valid UTF-8 text at byte 3 (a file named .txt, .md and the"
                + " like is tokenised as text)",
                c.err().strip());
        // No extension: its first 64 KiB read as text, its length is odd; a bad byte later is named, not a ".txt".
        byte[] late = "a".repeat(70_001).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        late[70_000] = (byte) 0xFF;
        Path noName = Files.write(tmp.resolve("corpus"), late);
        CliRun d = CliRun.of("eval", "--checkpoint", model.toString(), "--data", noName.toString());
        assertEquals(2, d.exitCode(), d.err());
        assertEquals("wafer: --data " + noName + ": its first 64 KiB read as UTF-8 text (and its odd length rules"
                + " out uint16 token ids), but the file is not valid UTF-8 at byte 70000", d.err().strip());
    }

    /**
     * The reported file: 72 GPT-2 ids >= 256 without a zero byte, valid UTF-8. eval re-tokenised its 144 bytes as
     * text (exit 0, other tokens scored) and train refused it as text; named .bin both read its ids now, and under a
     * name that says neither both refuse it in one line naming it and the renames.
     */
    @Test
    void aTokenFileWithoutZeroBytesIsReadAsTokensByItsName() throws IOException {
        int[] ids = {262, 286, 290, 284, 287, 318, 373, 329, 319, 355, 351, 379, 607, 326, 340, 307, 281, 543};
        ByteBuffer b = ByteBuffer.allocate(2 * ids.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < 4; r++) {
            for (int id : ids) {
                b.putShort((short) id);
            }
        }
        Path bin = Files.write(tmp.resolve("A.bin"), b.array());
        Path bare = Files.write(tmp.resolve("A"), b.array());
        Path model = tmp.resolve("model");
        assertEquals(0, CliRun.of("train", "--synthetic", "--d-model", "32", "--layers", "1", "--heads", "2",
                "--seq", "16", "--batch", "2", "--steps", "1", "--out", model.toString()).exitCode());
        CliRun eval = CliRun.of("eval", "--checkpoint", model.toString(), "--data", bin.toString(), "--seq", "16",
                "--json");
        assertEquals(0, eval.exitCode(), eval.err());
        JsonNode j = new ObjectMapper().readTree(eval.out());
        assertEquals(4, j.get("windows").asInt(), eval.out()); // (72 - 1) / 16 windows of the file's 72 ids
        assertEquals(64, j.get("tokens").asInt(), eval.out());
        CliRun trainBin = train(bin);
        assertEquals(0, trainBin.exitCode(), trainBin.err());

        String neither = "wafer: --data " + bare + " has no extension that says text (.txt, .text, .md, ...) or token"
                + " ids (.bin, .tokens, .tok, ...), and its bytes read as both: UTF-8 without a zero byte, and an even"
                + " number of bytes (uint16 ids); ";
        CliRun evalBare = CliRun.of("eval", "--checkpoint", model.toString(), "--data", bare.toString(), "--seq", "16");
        assertEquals(2, evalBare.exitCode(), evalBare.err());
        assertEquals(neither + "rename it to .bin (token ids) or .txt (text)", evalBare.err().strip());
        CliRun trainBare = train(bare);
        assertEquals(2, trainBare.exitCode(), trainBare.err());
        assertEquals(neither + "rename it to .bin to train on its token ids, or if it is text prepare it: wafer data"
                + " prepare --input " + bare + " --out DIR, then --data DIR",
                trainBare.err().strip().lines().reduce((x, y) -> y).orElseThrow());
    }

    @Test
    void aTokenFileStillTrains() throws IOException {
        Random random = new Random(22);
        ByteBuffer b = ByteBuffer.allocate(2 * 4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 4096; i++) {
            b.putShort((short) random.nextInt(50257));
        }
        Path tokens = Files.write(tmp.resolve("tokens.bin"), b.array());
        CliRun run = train(tokens);
        assertEquals(0, run.exitCode(), run.err());
    }

    /**
     * A prepared dataset's shard starts with a 64-byte WAFERTOK header: train and eval refuse it as a token file,
     * naming the directory to pass (train trained on the header bytes as tokens with --vocab 50304, exit 0).
     */
    @Test
    void aShardOfAPreparedDatasetIsRefusedAsATokenFile() {
        Path ds = tmp.resolve("ds");
        assertEquals(0, CliRun.of("data", "prepare", "--out", ds.toString(), "--seq", "32", "--quiet").exitCode());
        Path shard = ds.resolve("train-00000.bin");
        String expected = "wafer: --data " + shard + " is a shard of a prepared dataset; pass its directory "
                + ds.toAbsolutePath();
        assertTrainAndEvalRefuse(shard, expected, "--vocab", "50304");
    }

    /**
     * Train names a token file too short for --seq 16 as eval does: --data, "is empty", "1 token", and a --seq that
     * fits only where one does (it said "F holds 0 tokens; one sequence of 17 needs 18", no flag, no way out).
     */
    @Test
    void trainSaysWhyATokenFileIsTooShortAsEvalDoes() throws IOException {
        String need = "needs at least 2 (one target and the token before it)";
        Path empty = Files.write(tmp.resolve("empty.bin"), new byte[0]);
        assertEquals("wafer: --data " + empty + " is empty; training " + need, train(empty).err().strip());
        Path one = Files.write(tmp.resolve("one.bin"), new byte[] {7, 0});
        assertEquals("wafer: --data " + one + " holds 1 token; training " + need, train(one).err().strip());
        Path five = Files.write(tmp.resolve("five.bin"), new byte[] {1, 0, 2, 0, 3, 0, 4, 0, 5, 0});
        CliRun run = train(five);
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("wafer: --data " + five + " holds 5 tokens: not one sequence of 17 (--seq 16 and the token"
                + " before); pass --seq 4 or less", run.err().strip());
    }

    /**
     * A shard copied out of its dataset: the folder it is in holds no manifest.json, so it is not named as the
     * directory to pass (following that advice was refused as "a directory without manifest.json").
     */
    @Test
    void aShardOutsideItsDatasetIsNotSentToItsFolder() throws IOException {
        Path ds = tmp.resolve("ds");
        assertEquals(0, CliRun.of("data", "prepare", "--out", ds.toString(), "--seq", "32", "--quiet").exitCode());
        Path away = Files.createDirectories(tmp.resolve("away"));
        Path shard = Files.copy(ds.resolve("train-00000.bin"), away.resolve("shard.txt"));
        String expected = "wafer: --data " + shard + " is a shard of a prepared dataset, outside its dataset (its"
                + " folder " + away.toAbsolutePath() + " holds no manifest.json); pass the directory of the dataset it"
                + " came from";
        assertTrainAndEvalRefuse(shard, expected);
    }

    /** Train (its last line, after any note) and eval of a synthetic model refuse {@code data} as {@code expected}. */
    private void assertTrainAndEvalRefuse(Path data, String expected, String... trainFlags) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", "--data", data.toString(),
                "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "16", "--batch", "2", "--steps", "1"));
        args.addAll(java.util.List.of(trainFlags));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(2, run.exitCode(), run.err());
        assertEquals(expected, run.err().strip().lines().reduce((a, b) -> b).orElseThrow());
        Path model = tmp.resolve("model-" + data.getFileName());
        assertEquals(0, CliRun.of("train", "--synthetic", "--d-model", "32", "--layers", "1", "--heads", "2",
                "--seq", "16", "--batch", "2", "--steps", "1", "--out", model.toString()).exitCode());
        CliRun eval = CliRun.of("eval", "--checkpoint", model.toString(), "--data", data.toString());
        assertEquals(2, eval.exitCode(), eval.err());
        assertEquals(expected, eval.err().strip());
    }

    /** Without --data the sample is prepared into $WAFER_CACHE; one that cannot be made is named, not "--data null". */
    @Test
    void anUnusableSampleCacheIsNamedNotReadAsDataNull() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Path cache = file.resolve("cache"); // under a regular file: cannot be created, even by root
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules",
                "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), WaferMain.class.getName(), "train", "--d-model", "32",
                "--layers", "1", "--heads", "2", "--seq", "16", "--batch", "2", "--steps", "1"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("log").toFile());
        pb.environment().put("WAFER_CACHE", cache.toString());
        Process p = pb.start();
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
        String log = Files.readString(tmp.resolve("log"));
        assertEquals(2, p.exitValue(), log);
        assertTrue(log.contains("cannot prepare the embedded sample corpus in " + cache) && log.contains("WAFER_CACHE"),
                log);
        assertTrue(!log.contains("--data null"), log);
    }
}
