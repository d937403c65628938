package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval --data} too short for one window says what it holds and suggests a smaller --seq only where one helps:
 * an empty file at --seq 1, the least there is, was told "holds 0 tokens ...; pass a smaller --seq".
 */
class EvalShortDataTest {
    @TempDir
    Path tmp;

    private CliRun eval(Path model, Path data, String seq) {
        return CliRun.of("eval", "--checkpoint", model.toString(), "--data", data.toString(), "--seq", seq);
    }

    @Test
    void tooShortDataSaysWhatItHoldsAndWhatHelps() throws IOException {
        Path model = tmp.resolve("model");
        assertEquals(0, CliRun.of("train", "--synthetic", "--d-model", "32", "--layers", "1", "--heads", "2",
                "--seq", "16", "--batch", "2", "--steps", "1", "--out", model.toString()).exitCode());
        String needs = "; a test-set loss needs at least 2 (one target and the token before it)";
        Path emptyBin = Files.write(tmp.resolve("empty.bin"), new byte[0]);
        Path emptyTxt = Files.write(tmp.resolve("empty.txt"), new byte[0]);
        Path one = Files.write(tmp.resolve("one.bin"), new byte[] {7, 0});
        Path five = Files.write(tmp.resolve("five.bin"), new byte[] {1, 0, 2, 0, 3, 0, 4, 0, 5, 0});
        assertRefused(eval(model, emptyBin, "1"), "--data " + emptyBin + " is empty" + needs);
        // Empty text is one token, the end-of-text appended; still an empty file.
        assertRefused(eval(model, emptyTxt, "1"), "--data " + emptyTxt + " is empty" + needs);
        assertRefused(eval(model, one, "1"), "--data " + one + " holds 1 token" + needs);
        assertRefused(eval(model, five, "16"), "--data " + five + " holds 5 tokens: not one window of 17 (--seq 16 and"
                + " the token before); pass --seq 4 or less");
        CliRun fits = eval(model, five, "4");
        assertEquals(0, fits.exitCode(), fits.err());
    }

    private static void assertRefused(CliRun run, String message) {
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("wafer: " + message, run.err().strip());
    }
}
