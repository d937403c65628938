package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code wafer train --dry-run} refuses a flag out of range with one line naming it and exit 2, never an internal error
 * from the arithmetic that sizes the run.
 */
class TrainFlagRangesTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--d-model 32 --layers 1 --seq 1000000000 | --seq must be in [1, 1048576], found 1000000000",
        "--d-model 32 --layers 1 --seq 2147483647 | --seq must be in [1, 1048576], found 2147483647",
        "--d-model 1073741824 --layers 1      | --d-model must be in [1, 1048576], found 1073741824",
        "--d-model 1048576 --layers 100000   | --d-model 1048576 with --layers 100000 has about",
        "--eps -1e-8                         | --eps must be positive and finite, below 1",
        "--eps NaN                           | --eps must be positive and finite, below 1",
        "--eps Infinity                      | --eps must be positive and finite, below 1",
        "--eps 1e300                         | --eps must be positive and finite, below 1",
        "--eps 0                             | --eps must be positive and finite, below 1",
        "--max-tokens 0                      | --max-tokens must be a positive number of tokens, found 0",
        "--stop-at -2                        | --stop-at must be a positive step, found -2",
    })
    void outOfRangeSizeIsOneLineNamingTheFlag(String flags, String message) {
        List<String> args = new ArrayList<>(List.of("train", "--heads", "2", "--batch", "4", "--steps", "5",
                "--dry-run", "--no-measure"));
        args.addAll(List.of(flags.trim().split(" +")));
        assertUsageError(CliRun.of(args.toArray(String[]::new)), message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--warmup 9037   | --warmup must be in [0, 9037) steps of 111M's schedule (245760 tokens a step), found 9037",
        "--warmup 100000 | --warmup must be in [0, 9037) steps of 111M's schedule (245760 tokens a step), found 100000",
        "--warmup -1     | --warmup must be in [0, 9037) steps of 111M's schedule",
        "--seq 3000      | --seq 3000: the preset's batch of 245760 tokens is not a multiple of it; give --batch-tokens",
    })
    void aPresetOverrideOutOfRangeNamesTheFlagGiven(String flags, String message) {
        List<String> args = new ArrayList<>(List.of("train", "--preset", "111M", "--dry-run", "--no-measure"));
        args.addAll(List.of(flags.trim().split(" +")));
        assertUsageError(CliRun.of(args.toArray(String[]::new)), message);
    }

    @Test
    void aRunTooLargeToCountInBytesDoesNotFit() {
        CliRun run = CliRun.of("train", "--d-model", "65536", "--heads", "65536", "--layers", "1", "--seq",
                "1048576", "--batch", "1024", "--micro-batch", "1024", "--steps", "1", "--dry-run", "--no-measure",
                "--json");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("\"fits\":false") || run.out().contains("\"fits\" : false"), run.out());
    }

    static void assertUsageError(CliRun run, String message) {
        assertEquals(2, run.exitCode(), run.err());
        String err = run.err().strip();
        assertTrue(err.startsWith("wafer: " + message), err);
        assertEquals(1, err.lines().count(), err);
    }
}
